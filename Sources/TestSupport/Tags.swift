public import Testing

extension Tag {
    /// Tests that read the full ESCO dataset in shared/data/esco (seconds, not milliseconds).
    @Tag public static var fullDataset: Self
}
