import ArgumentParser
import Foundation
import Notebook
import Notebooks

struct NewNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a starter notebook, notebooks/<Name>.swift, that runs as written.",
        discussion: "The next `amsga run NAME` builds it in (no list to edit): prose, a data cell, a short training cell and a figure.")
    @Argument(help: "The notebook's name: lowercase letters, digits and hyphens, starting with a letter (e.g. my-notes).")
    var name: String

    func validate() throws {
        guard let first = name.first, first.isLowercase, first.isASCII,
            name.allSatisfy({ ($0.isLowercase || $0.isNumber || $0 == "-") && $0.isASCII }), !name.hasSuffix("-")
        else {
            throw ValidationError("notebook name '\(name)': use lowercase letters, digits and hyphens, starting with a letter")
        }
        // The name becomes a Swift identifier (my-notes → myNotes).
        let keywords: Set = [
            "as", "break", "case", "catch", "class", "continue", "default", "defer", "do", "else", "enum",
            "extension", "false", "for", "func", "guard", "if", "import", "in", "init", "internal", "is", "let",
            "nil", "private", "protocol", "public", "repeat", "return", "self", "static", "struct", "super",
            "switch", "throw", "throws", "true", "try", "var", "where", "while",
        ]
        if keywords.contains(name) { throw ValidationError("notebook name '\(name)' is a Swift keyword; choose another") }
    }

    func run() throws {
        guard let root = SourceTree.root else {
            throw RuntimeError(
                "no package found above \(SourceTree.executable) or the current folder: run `amsga new` inside the amsga checkout")
        }
        if allNotebooks.contains(where: { $0.name == name }) { throw RuntimeError("a notebook named '\(name)' exists already") }
        let words = name.split(separator: "-").map(String.init)
        let typeName = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let identifier = words[0] + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let path = root + "/notebooks/" + typeName + ".swift"
        guard !FileManager.default.fileExists(atPath: path) else { throw RuntimeError("\(path) exists already") }
        do {
            try Self.starter(name: name, identifier: identifier, typeName: typeName).write(toFile: path, atomically: true, encoding: .utf8)
        } catch { throw RuntimeError("cannot write \(path): \(error.localizedDescription)") }
        print("wrote \(path)\nrun it with: amsga run \(name)")
    }

    static func starter(name: String, identifier: String, typeName: String) -> String {
        """
        import Datasets
        import Figures
        import ForwardForward
        import Notebook
        import Studies

        /*:
         # \(name)

         A starter notebook from `amsga new \(name)`: baseline Forward-Forward on a
         small seeded subset of Fashion-MNIST (which Debian packages), in under a
         minute on two cores; a short run, so expect a modest accuracy. Edit a
         cell and run `amsga run \(name)`: amsga rebuilds itself, reruns the cells
         whose code or inputs changed, and reuses the others. Outputs go to
         `outputs/\(name)/`.

         Parameters: `epochs` (per layer), `trainSize`, `learningRate`, `seed`.
         */
        struct \(typeName)Parameters: NotebookParameters {
            @Param(.atLeast(1)) var epochs = 100
            @Param(.between(1, 50_000)) var trainSize = 1000
            @Param(.above(0)) var learningRate = 0.03
            @Param(.atLeast(0)) var seed = 0
        }

        public let \(identifier) = Notebook("\(name)") { (nb: Cells<\(typeName)Parameters>) in
            //: ## 1. Data
            //: A seeded subset of the training split; 1,000 validation and 1,000 test images.
            let split = nb.cell("Data") { ctx, p in
                let data = try ctx.data(.fashionMNIST, seed: UInt64(p.seed), trainSize: p.trainSize, evalSize: 1000)
                ctx.print("training images: \\(data.train.count), validation: \\(data.validation.count), test: \\(data.test.count)")
                ctx.save(\(typeName)Tensors.classCounts, data.train.classCounts.map(Double.init), dims: ["class"], units: "1")
            }

            //: ## 2. Train
            //: Baseline FF: two layers of 500 ReLUs, trained greedily on the full batch.
            let train = nb.cell("Train") { ctx, p in
                _ = try ctx.load(\(typeName)Tensors.classCounts, from: split)
                var config = FFConfiguration.baseline(.fashionMNIST)
                config.epochs = p.epochs
                config.learningRate = p.learningRate
                config.seed = UInt64(p.seed)
                config.trainSize = p.trainSize
                config.evalSize = 1000
                config.evalEvery = max(1, config.epochs / 5)
                let data = try ctx.data(.fashionMNIST, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
                let run = try ctx.train(config, data: data, as: "baseline")
                ctx.print(String(format: "test accuracy: %.2f%%", 100 * (run.finalPerSample?.test ?? .nan)))
            }

            //: ## 3. Figure
            //: Accuracy during training, drawn from the run's HDF5 trace alone.
            nb.cell("Figure") { ctx, _ in
                let run = try ctx.run(from: train)
                try ctx.figure("accuracy.svg", svg: TraceFigures.accuracy([("baseline", run)]).render())
            }
        }

        /// The tensors the cells hand on, each named once.
        enum \(typeName)Tensors {
            /// Images per class in the training subset.
            static let classCounts = TensorName("class_counts")
        }

        """
    }
}
