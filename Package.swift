// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "amsga",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "amsga", targets: ["amsga"]),
        .library(name: "ForwardForward", targets: ["ForwardForward"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // C libraries. Each is found through pkg-config and named by its Debian package.
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // glibc's malloc.h (mallopt), part of libc6-dev.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // Float32/Float64 matrices, CBLAS products, row kernels, the seeded generator.
        .target(name: "Tensor", dependencies: ["CBLAS", "CMalloc"]),
        // IDX files, gzip, MNIST and Fashion-MNIST: location, verification, split, overlay.
        .target(
            name: "Datasets",
            dependencies: [
                "Tensor", "CZlib", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // A Swift wrapper over the HDF5 C library.
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        // Baseline FF and AMSGA (docs/reading.md: how the paper is read).
        .target(name: "ForwardForward", dependencies: ["Tensor", "Datasets"]),
        // Run files: traces, checkpoints and provenance in HDF5 (docs/hdf5-layout.md).
        .target(
            name: "RunStore",
            dependencies: [
                "HDF5", "ForwardForward", "Tensor", "Datasets",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The backpropagation MLP of Tables III–IV, on the same tensor core.
        .target(name: "Backprop", dependencies: ["Tensor", "Datasets", "ForwardForward"]),
        // Measurements: machine description, seconds per epoch against sgemm, training memory.
        .target(name: "Benchmarks", dependencies: ["Tensor", "Datasets", "ForwardForward", "Backprop", "RunStore"]),
        // SVG charts: nice ticks, line and dot charts, byte-identical output.
        .target(name: "Charts"),
        // The figures of a run, from its trace.
        .target(name: "Figures", dependencies: ["Charts", "RunStore", "ForwardForward"]),
        // Literate notebooks and their caching runner (README, "Notebooks").
        .target(
            name: "Notebook",
            dependencies: [
                "RunStore", "HDF5", "ForwardForward", "Datasets", "Figures", "Charts",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Ink", package: "Ink"),
            ]),
        // What Forward-Forward studies share over the engine's public API: the
        // paper's tables, comparisons over seeds, grids of variants × seeds.
        .target(name: "Studies", dependencies: ["Notebook", "Figures", "ForwardForward", "RunStore"]),
        // The notebooks themselves.
        .target(
            name: "Notebooks",
            dependencies: [
                "Notebook", "Studies", "ForwardForward", "Datasets", "Figures", "Charts", "RunStore",
                "Backprop", "Benchmarks", "Tensor",
            ],
            path: "notebooks", plugins: ["NotebookRegistry"]),
        // Lists the notebooks target's notebooks (`allNotebooks`), so that a new file needs no registry edit.
        .plugin(
            name: "NotebookRegistry", capability: .buildTool(), dependencies: ["NotebookRegistryGenerator"],
            path: "Plugins/NotebookRegistry"),
        .executableTarget(name: "NotebookRegistryGenerator", path: "Plugins/NotebookRegistryGenerator"),
        // The command-line tool.
        .executableTarget(
            name: "amsga",
            dependencies: [
                "ForwardForward", "Datasets", "Tensor", "RunStore", "HDF5", "Figures", "Notebook", "Notebooks",
                "Backprop", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [
                // Swift 5 mode here only: the tool sets C's stdout to line buffering,
                // a global that Swift 6 mode refuses to touch.
                .swiftLanguageMode(.v5)
            ]),

        // Where tests write their files (a scratch folder removed when the test process exits).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor", "TestSupport"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(
            name: "NotebookTests",
            dependencies: ["Notebook", "Studies", "HDF5", "RunStore", "ForwardForward", "Datasets", "Tensor", "TestSupport"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "Figures", "RunStore", "ForwardForward"]),
        .testTarget(
            name: "RunStoreTests",
            dependencies: ["RunStore", "ForwardForward", "Datasets", "Tensor", "HDF5", "Notebook", "Benchmarks", "TestSupport"]),
        .testTarget(name: "BackpropTests", dependencies: ["Backprop", "Datasets", "Tensor"]),
        .testTarget(name: "ForwardForwardTests", dependencies: ["ForwardForward", "Datasets", "Tensor"]),
    ]
)
