import ClaimsX12
import Foundation

/// `claims x12 validate` on one file: read in 1 MiB blocks straight into the streaming
/// `Validator837P`, so a file of any size is checked in the same small memory.
public enum X12FileCheck {
    public static let blockSize = 1 << 20

    public static func validate(path: String) throws(InputFileError) -> X12ValidationReport {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw InputFileError(kind: .missing, path: path, message: "no such file; check the path of the 837P file")
            }
            throw InputFileError(kind: .unreadable, path: path, message: "cannot open the file for reading (\(String(cString: strerror(code)))); check its permissions")
        }
        defer { close(descriptor) }
        var status = stat()
        // A directory cannot be read; a device such as /dev/zero never ends: only files and pipes are checked.
        if fstat(descriptor, &status) == 0 {
            let type = status.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFIFO else {
                throw InputFileError(kind: .unreadable, path: path,
                                     message: type == S_IFDIR ? "is a directory; name the 837P files inside it" : "is not a regular file (a device or socket); name an 837P file")
            }
        }
        var validator = Validator837P()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, blockSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw InputFileError(kind: .unreadable, path: path, message: "reading failed (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            validator.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return validator.finish()
    }
}
