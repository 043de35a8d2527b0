import Foundation
import RunStore
import Testing

@Suite("The pace a progress line shows")
struct StepPaceTests {
    let t0 = Date(timeIntervalSinceReferenceDate: 0)

    @Test("Counted from the first step this process saw, its start included")
    func firstSteps() {
        var pace = StepPace(start: t0)
        // A run resumed after its checkpoint at step 200: the first step it sees is 201.
        let a = pace.after(step: 201, of: 1500, now: t0 + 10)
        #expect(a.perStep == 10)
        #expect(a.left == 10 * 1299)
        let b = pace.after(step: 203, of: 1500, now: t0 + 16)
        #expect(abs(b.perStep - 16.0 / 3) < 1e-12)
    }

    @Test("Follows a machine that got quieter: only the last window counts")
    func followsAChange() {
        var pace = StepPace(start: t0)
        var now = t0
        for step in 1...100 {  // 20 s a step while a build shares the cores
            now += 20
            _ = pace.after(step: step, of: 1500, now: now)
        }
        var last = (perStep: 0.0, left: 0.0)
        for step in 101...400 {  // then 4 s a step, for longer than the window
            now += 4
            last = pace.after(step: step, of: 1500, now: now)
        }
        #expect(abs(last.perStep - 4) < 1e-9, "the pace over the last \(StepPace.window) s is 4 s a step")
        #expect(abs(last.left - 4 * 1100) < 1e-6)
        // Within the window of the change, the pace is between the two.
        var mixed = StepPace(start: t0)
        now = t0
        for step in 1...100 {
            now += 20
            _ = mixed.after(step: step, of: 1500, now: now)
        }
        now += 4
        let right = mixed.after(step: 101, of: 1500, now: now)
        #expect(right.perStep > 4 && right.perStep < 20)
    }
}
