public import Testing

extension Tag {
    /// Tests that read the full ESCO export named by `ESCO_DATA` (seconds, not milliseconds; skipped without it).
    @Tag public static var fullDataset: Self
}
