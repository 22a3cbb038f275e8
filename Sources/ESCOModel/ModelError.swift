/// Why a model directory cannot be used; the message names the file and what to do about it.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
