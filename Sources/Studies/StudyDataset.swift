import Datasets
import Notebook

/// The dataset a study's parameter names, as `-p dataset=mnist` or `fashion-mnist`.
public enum StudyDataset: String, CaseIterable, ParameterType, Sendable {
    case mnist
    case fashionMNIST = "fashion-mnist"

    public var name: DatasetName { self == .mnist ? .mnist : .fashionMNIST }
    public var label: String { self == .mnist ? "MNIST" : "Fashion-MNIST" }
}
