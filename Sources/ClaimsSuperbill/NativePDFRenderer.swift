import ClaimsCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The native writer (`NativePDFWriter`) behind the `PDFRenderer` protocol: the renderer of
/// `SuperbillPDFWriter`. It draws the `Superbill` model.
public struct NativePDFRenderer: PDFRenderer {
    /// The writer of the last clinic drawn: a batch draws every superbill for one clinic, and the writer
    /// holds what all of them repeat (the practice's text, encoded and wrapped), which cost as much as
    /// a fifth of a superbill to rebuild per PDF. One writer at most, so memory does not grow.
    private let lastWriter = LastWriter()

    public init() {}

    public var name: String { "native (pure Swift PDF 1.4)" }

    /// Writes the PDF; a failed write removes what it wrote, so it leaves no partial file. Not an
    /// atomic replace (temporary file, fsync, rename): the batch already writes into a private work
    /// directory, syncs once and renames, and a flush per PDF cost more than drawing it.
    public func render(_ bill: Superbill, renderer: SuperbillRenderer, to pdf: URL) throws(PDFRenderError) {
        let data = lastWriter.writer(for: renderer.clinic).pdf(bill)
        do {
            try Self.writeFile(data, to: pdf.path)
        } catch {
            try? FileManager.default.removeItem(at: pdf)
            throw PDFRenderError(renderer: name, output: pdf.path, message: "cannot write the PDF: \(error.localizedDescription)")
        }
    }

    /// open/write/close, owner-only (Foundation's `Data.write` flushes every file to disk, which a
    /// batch that syncs once at the end does not need).
    private static func writeFile(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var written = 0
            while written < buffer.count {
                let result = write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                written += result
            }
        }
    }
}

/// The `NativePDFWriter` of the clinic drawn last, shared by the threads that draw superbills.
private final class LastWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var last: NativePDFWriter?   // guarded by `lock`

    /// The writer for `clinic`: the cached one when it is the same clinic (equal, not merely similar:
    /// every field reaches the PDF), else a new one that replaces it.
    func writer(for clinic: ClinicProfile) -> NativePDFWriter {
        // Built under the lock: the threads that start a batch together wait for one writer instead
        // of each building its own (the first also loads the fonts).
        lock.withLock {
            if let last, last.clinic == clinic { return last }
            let writer = NativePDFWriter(clinic: clinic)
            last = writer
            return writer
        }
    }
}
