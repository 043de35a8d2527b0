/// The activations one side of a step (the positives or the negatives) passes
/// from layer to layer, in three buffers reused by every layer:
///
///   layer l reads its normalised input from `input(l)`, writes h = ReLU(W x̂ + b)
///   into `h`, and normalises h into `input(l + 1)`, the other input slot,
///   before its backward pass turns h into dL/dz in place.
///
/// Layer l's input is dead once its step is done, so two input slots alternate
/// (`first` for even l, `spare` for odd l): memory does not grow with depth.
/// `first` also holds layer 1's input, refilled when a step needs it again.
final class ActivationSlots {
    let first: Buffer<Float>
    let spare: Buffer<Float>
    let h: Buffer<Float>
    let rows: Int

    /// Room for `rows` rows of every layer of a network with `sizes`.
    init(rows: Int, sizes: [Int]) {
        let inputs = sizes.dropLast()
        let even = inputs.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).max() ?? 0
        let odd = inputs.enumerated().filter { $0.offset % 2 == 1 }.map(\.element).max() ?? 0
        self.rows = rows
        first = Buffer(rows * even)
        spare = Buffer(rows * odd)
        h = Buffer(rows * (sizes.dropFirst().max() ?? 0))
    }

    /// The normalised input of layer `l` (0-based).
    func input(_ l: Int) -> UnsafeMutablePointer<Float> { l % 2 == 0 ? first.pointer : spare.pointer }

    /// Layer `l`'s side of a step: its input slot, the activation buffer, `rows` rows.
    func side(_ l: Int, rows: Int) -> StepSide<Float> { StepSide(x: input(l), h: h.pointer, rows: rows) }
}
