/// Where a running batch is, for a progress display: the phase, the encounters decided, and the
/// input bytes read out of the file's size (when the input is a regular file).
public struct BatchProgress: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable {
        case reading, deciding, writing, syncing, recording, moving
    }
    public var phase: Phase
    public var encounters: Int
    public var bytesRead: Int
    /// The input's size; nil when unknown (a pipe).
    public var totalBytes: Int?

    public init(phase: Phase, encounters: Int, bytesRead: Int, totalBytes: Int?) {
        self.phase = phase; self.encounters = encounters; self.bytesRead = bytesRead; self.totalBytes = totalBytes
    }

    /// 0…1 of the input read, when its size is known.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesRead) / Double(totalBytes))
    }
}
