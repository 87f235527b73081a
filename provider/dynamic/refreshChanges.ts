/**
 * Pulumi (3.259) decides whether a refresh changed a resource by calling the provider's `diff`
 * with the refreshed outputs against the old inputs, right after `read`, in the same provider
 * process. A dynamic provider cannot return a detailed diff, and a diff of the inputs finds
 * nothing, so without help a refresh that read a different task list shows "unchanged" (while
 * still recording the new outputs). `read` notes here that what it read differs from the state,
 * and the `diff` that follows reports it once: the engine then shows the changed outputs.
 *
 * @param fingerprint what a change is made of (never a timestamp of the read itself).
 */
export function refreshChanges<P>(fingerprint: (props: Partial<P>) => string) {
    /** Fingerprint of the refreshed outputs, by resource id; cleared once reported. */
    const changed = new Map<string, string>();
    return {
        /** Called by `read` with the state before and the outputs it read. */
        noteRead(id: string, before: Partial<P>, after: Partial<P>): void {
            const f = fingerprint(after);
            if (fingerprint(before) !== f) changed.set(id, f);
            else changed.delete(id);
        },
        /** Called by `diff`: true once, for the refreshed outputs `read` found changed. */
        take(id: string, olds: Partial<P>): boolean {
            const f = changed.get(id);
            if (f === undefined || f !== fingerprint(olds)) return false;
            changed.delete(id);
            return true;
        },
    };
}
