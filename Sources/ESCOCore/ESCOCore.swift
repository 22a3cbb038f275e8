/// Version of esco-stack, reported by every executable's `--version` and stored with ingestion state.
public enum ESCOStack {
    public static let version = "0.1.0"
}
