import { strict as assert } from "node:assert";

/** The error `fn` throws; a failed assertion when it throws none. */
export function thrownBy(fn: () => unknown): unknown {
    try {
        fn();
    } catch (e) {
        return e;
    }
    throw new assert.AssertionError({ message: "nothing was thrown" });
}

/** The error `p` rejects with; a failed assertion when it resolves. */
export function rejectionOf(p: Promise<unknown>): Promise<unknown> {
    return p.then(
        () => {
            throw new assert.AssertionError({ message: "it resolved" });
        },
        (e: unknown) => e,
    );
}
