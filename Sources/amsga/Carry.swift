import ArgumentParser
import Foundation
import RunStore

/// `amsga carry save|restore`: unfinished runs carried to the next machine through git (`RunCarrier`).
struct Carry: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Carry unfinished training runs to the next machine through git (commit carried/ after `save`).",
        discussion: """
            A run resumes from the last checkpoint in its run file, which git does not keep. \
            `save` copies each unfinished run file below outputs/ to carried/ at the same path and removes \
            the copies of runs that have finished; `restore`, on the next machine, puts each copy back unless \
            the run file there is as far along. Then the same `amsga run` or `amsga sweep` resumes.
            """,
        subcommands: [Save.self, Restore.self])

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy each unfinished run file to carried/.")
        @OptionGroup var place: Place
        func run() throws { try place.report(place.carrier.save(), none: "nothing to carry: no unfinished run file") }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put each carried run file back, unless the one there is as far along.")
        @OptionGroup var place: Place
        func run() throws { try place.report(place.carrier.restore(), none: "nothing to restore: carried/ holds no run file") }
    }

    struct Place: ParsableArguments {
        @Option(help: "The folder that holds outputs/ (the repository's root).") var root: String = "."
        @Option(help: "Where the copies go, relative to the root.") var carried: String = "carried"

        var carrier: RunCarrier { RunCarrier(root: root, carried: carried) }

        func report(_ events: [RunCarrier.Event], none: String) throws {
            for e in events {
                if case .notARunFile = e {
                    FileHandle.standardError.write(Data("\(e)\n".utf8))
                } else {
                    print(e)
                }
            }
            if events.isEmpty { print(none) }
            if events.contains(where: { if case .notARunFile = $0 { true } else { false } }) { throw ExitCode(1) }
        }
    }
}
