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
    /** Fingerprint of the refreshed outputs and the state before the read, by resource id; cleared once reported. */
    const changed = new Map<string, { fingerprint: string; before: Partial<P> }>();
    return {
        /** Called by `read` with the state before and the outputs it read. */
        noteRead(id: string, before: Partial<P>, after: Partial<P>): void {
            const f = fingerprint(after);
            if (fingerprint(before) !== f) changed.set(id, { fingerprint: f, before });
            else changed.delete(id);
        },
        /**
         * Called by `diff`: once, for the refreshed outputs `read` found changed, the state before
         * that read (so that a front end that can send a detailed diff names only what changed);
         * otherwise undefined.
         */
        take(id: string, olds: Partial<P>): Partial<P> | undefined {
            const noted = changed.get(id);
            if (noted === undefined || noted.fingerprint !== fingerprint(olds)) return undefined;
            changed.delete(id);
            return noted.before;
        },
    };
}

/** What `diff` answers: whether the resource changes, what must be replaced, and after a refresh that read something new, the state before it. */
export interface DiffAnswer<P> {
    changes: boolean;
    replaces: string[];
    /** Set only for the diff that follows a refresh's read: the outputs before that read. */
    refreshedFrom?: Partial<P>;
}
