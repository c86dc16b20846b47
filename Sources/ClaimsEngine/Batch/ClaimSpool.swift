import ClaimsCore
import ClaimsStore
import Foundation

/// The claims a run will record, kept in files of its work directory instead of memory until the
/// store transaction (docs/batch.md, "Memory"): each payer's interchange appends one line per claim
/// as its transaction sets are encoded (`DIR/.claims-work/run-N/<payer>.claims`), and the
/// transaction reads them back one at a time, in the order they were held before: payer by payer,
/// then as encoded.
///
/// A line is the claim's fields separated by tabs (a tab, newline, carriage return or backslash in
/// a field is escaped; an absent optional is `-`, a present one `=` and its text), its submission
/// (CLM05-3, coverage, the claims it replaces or follows, REF*F8, the intent), then four fields per
/// billed line. The 837P file's name is not in it: it is chosen when the interchange is closed.
enum ClaimSpool {
    /// Fields before the billed lines.
    private static let claimFields = 17

    static func line(for claim: StoredClaim) -> String {
        // Written as bytes (joining escaped Strings cost ~33,000 instructions a claim on the queue
        // that writes the 837P files).
        var line = LineWriter()
        let submission = claim.submission
        for text in [claim.encounterId, claim.patientId, claim.payer, claim.dateOfService, claim.fhirFile,
                     claim.interchangeControlNumber, claim.groupControlNumber, claim.transactionSetControlNumber] {
            line.field(text)
        }
        line.field(String(claim.totalCents))
        line.optional(claim.authNumber)
        line.field(claim.ruleVersion)
        line.field(submission.frequency)
        line.field(submission.coverage.rawValue)
        line.optional(submission.replacesClaimId.map(String.init))
        line.optional(submission.followsClaimId.map(String.init))
        line.optional(submission.payerClaimNumber)
        line.optional(submission.intentId.map(String.init))
        for billed in claim.lines {
            line.field(String(billed.line)); line.field(billed.code); line.field(String(billed.chargeCents)); line.field(Money.plain(billed.units))
        }
        return line.finished()
    }

    /// One spooled line: fields separated by tabs, each escaped (`\\`, `\t`, `\n`, `\r`: ASCII, so
    /// replacing bytes is replacing scalars), an optional as `-` or `=` and its text.
    private struct LineWriter {
        private var bytes: [UInt8] = []
        private var fields = 0
        init() { bytes.reserveCapacity(256) }

        private mutating func separate() {
            if fields > 0 { bytes.append(0x09) }
            fields += 1
        }

        mutating func field(_ text: String) {
            separate()
            escape(text)
        }

        mutating func optional(_ text: String?) {
            separate()
            guard let text else { bytes.append(0x2D); return }
            bytes.append(0x3D)
            escape(text)
        }

        private mutating func escape(_ text: String) {
            for byte in text.utf8 {
                switch byte {
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x09: bytes += [0x5C, 0x74]
                case 0x0A: bytes += [0x5C, 0x6E]
                case 0x0D: bytes += [0x5C, 0x72]
                default: bytes.append(byte)
                }
            }
        }

        mutating func finished() -> String {
            bytes.append(0x0A)
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The claim a spooled line holds, or nil when the line is damaged.
    static func claim(from line: ArraySlice<UInt8>, x12File: String) -> StoredClaim? {
        // Split on the tab byte, in the read buffer (splitting Characters cost ~65,000 instructions a
        // line, a String's UTF-8 view ~14,000; a tab is a control character, so it ends a Character
        // and the splits agree).
        let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map { unescape(String(decoding: $0, as: UTF8.self)) }
        guard fields.count >= claimFields, (fields.count - claimFields) % 4 == 0, let total = Int64(fields[8]),
              let coverage = ClaimSubmission.Coverage(rawValue: fields[12]),
              let auth = optional(fields[9]), let replaces = optional(fields[13]), let follows = optional(fields[14]),
              let payerClaimNumber = optional(fields[15]), let intent = optional(fields[16]) else { return nil }
        var lines: [StoredClaim.BilledLine] = []
        var index = claimFields
        while index < fields.count {
            guard let number = Int(fields[index]), let charge = Int64(fields[index + 2]),
                  let units = Money.decimal(plain: fields[index + 3]) else { return nil }
            lines.append(.init(line: number, code: fields[index + 1], chargeCents: charge, units: units))
            index += 4
        }
        var claim = StoredClaim(encounterId: fields[0], patientId: fields[1], payer: fields[2], dateOfService: fields[3], x12File: x12File,
                                fhirFile: fields[4], interchangeControlNumber: fields[5], groupControlNumber: fields[6],
                                transactionSetControlNumber: fields[7], totalCents: total, authNumber: auth, ruleVersion: fields[10], lines: lines)
        /// An absent id → .some(nil); a present one that is not a number → nil (damaged).
        func number(_ text: String?) -> Int64?? {
            guard let text else { return .some(nil) }
            guard let value = Int64(text) else { return nil }
            return .some(value)
        }
        guard let replacesId = number(replaces), let followsId = number(follows), let intentId = number(intent) else { return nil }
        claim.submission = ClaimSubmission(frequency: fields[11], coverage: coverage, replacesClaimId: replacesId, followsClaimId: followsId,
                                           payerClaimNumber: payerClaimNumber, intentId: intentId)
        return claim
    }

    /// `-` → absent (.some(nil)); `=text` → text; anything else → nil (damaged).
    private static func optional(_ field: String) -> String?? {
        if field == "-" { return .some(nil) }
        guard field.hasPrefix("=") else { return nil }
        return .some(String(field.dropFirst()))
    }

    private static func unescape(_ field: String) -> String {
        guard field.utf8.contains(0x5C) else { return field }
        var text = ""
        var escaping = false
        for character in field.unicodeScalars {
            if escaping {
                switch character {
                case "t": text += "\t"
                case "n": text += "\n"
                case "r": text += "\r"
                default: text.unicodeScalars.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                text.unicodeScalars.append(character)
            }
        }
        return text
    }

    /// Reads spooled claims back one at a time (1 MiB at a time from the file). A file that cannot
    /// be read, a damaged line or fewer claims than the file should hold end the sequence and set
    /// `failure`: the store transaction then rolls back.
    final class Reader: Sequence, IteratorProtocol {
        private let files: [PreparedRun.ClaimFile]
        private var fileIndex = 0
        private var handle: FileHandle?
        private var buffer: [UInt8] = []
        /// Where the next line starts in `buffer`.
        private var position = 0
        private var atEnd = false
        private var readInFile = 0
        private(set) var failure: OutputError?

        init(files: [PreparedRun.ClaimFile]) { self.files = files }

        func next() -> StoredClaim? {
            while failure == nil, fileIndex < files.count {
                let file = files[fileIndex]
                do {
                    if handle == nil {
                        guard let opened = FileHandle(forReadingAtPath: file.path) else {
                            throw OutputError(path: file.path, message: "cannot read the run's spooled claims (was the work directory deleted?)")
                        }
                        handle = opened
                        buffer = []
                        position = 0
                        atEnd = false
                        readInFile = 0
                    }
                    if let newline = buffer[position...].firstIndex(of: 0x0A) {
                        let line = buffer[position..<newline]
                        position = newline + 1
                        guard let claim = ClaimSpool.claim(from: line, x12File: file.x12File) else {
                            throw OutputError(path: file.path, message: "spooled claim \(readInFile + 1) is damaged (was the work directory changed during the run?); run the batch again")
                        }
                        readInFile += 1
                        return claim
                    }
                    if atEnd {
                        guard position == buffer.count, readInFile == file.count else {
                            throw OutputError(path: file.path, message: "the spooled claims are incomplete (\(readInFile) of \(file.count) read); run the batch again")
                        }
                        try handle?.close()
                        handle = nil
                        fileIndex += 1
                        continue
                    }
                    let chunk = try handle!.read(upToCount: 1 << 20) ?? Data()
                    buffer.removeFirst(position)
                    position = 0
                    if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
                } catch let error as OutputError {
                    failure = error
                } catch {
                    failure = OutputError(path: file.path, message: "cannot read the run's spooled claims: \(error.localizedDescription)")
                }
            }
            return nil
        }
    }
}
