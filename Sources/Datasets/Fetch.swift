import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Downloads a dataset's gzip files from its mirrors into `<root>/<dataset>/`,
/// verifies each against its uncompressed SHA-256, and only then moves it into
/// place, so that a failed or partial download never leaves a file behind.
public enum Fetch {
    public static func fetch(
        _ dataset: DatasetName, into root: String,
        log: (String) -> Void = { print($0) }
    ) throws {
        let folder = (root as NSString).appendingPathComponent(dataset.folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for part in DatasetName.Part.allCases {
            let name = part.rawValue + ".gz"
            let target = (folder as NSString).appendingPathComponent(name)
            if let existing = try? readUncompressed(path: target),
                Verification.sha256Hex(existing) == dataset.sha256(part)
            {
                log("\(target): already present and verified")
                continue
            }
            var failures: [String] = []
            var done = false
            for mirror in dataset.mirrors where !done {
                let url = mirror + name
                do {
                    let data = try download(url)
                    let digest = Verification.sha256Hex(try Gzip.inflate(data, path: url))
                    guard digest == dataset.sha256(part) else {
                        throw DatasetError.checksumMismatch(path: url, expected: dataset.sha256(part), actual: digest)
                    }
                    try data.write(to: URL(fileURLWithPath: target), options: .atomic)
                    log("\(target): downloaded from \(url) and verified")
                    done = true
                } catch {
                    failures.append("\(error)")
                }
            }
            if !done {
                throw DatasetError.download(url: name, reason: failures.joined(separator: "; "))
            }
        }
    }

    private static func download(_ url: String) throws -> Data {
        guard let u = URL(string: url) else { throw DatasetError.download(url: url, reason: "bad URL") }
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Data, Error> = .failure(DatasetError.download(url: url, reason: "no answer"))
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 60
        let task = URLSession(configuration: config).dataTask(with: u) { data, response, error in
            if let error {
                result = .failure(DatasetError.download(url: url, reason: error.localizedDescription))
            } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                result = .failure(DatasetError.download(url: url, reason: "HTTP \(http.statusCode)"))
            } else {
                result = .success(data ?? Data())
            }
            semaphore.signal()
        }
        task.resume()
        semaphore.wait()
        return try result.get()
    }
}
