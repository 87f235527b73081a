/**
 * A small deterministic PRNG, so generated data and latency jitter are reproducible
 * (the emulator never calls Math.random).
 *
 * State is a 32-bit Weyl sequence (step 0x9E3779B9, the golden-ratio increment); each output
 * is that counter passed through a 32-bit avalanche finaliser (xor-shift / multiply rounds).
 * Plenty for test data; not for cryptography.
 */

/** Hashes a seed (number or string) to 32 bits with FNV-1a, so string seeds are stable. */
export function seedToUint32(seed: number | string): number {
    const text = typeof seed === "number" ? `n:${seed}` : `s:${seed}`;
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}

/** A seeded random source. */
export class Prng {
    private state: number;

    constructor(seed: number | string = 1) {
        this.state = seedToUint32(seed);
    }

    /** Next 32-bit unsigned integer. */
    nextUint32(): number {
        this.state = (this.state + 0x9e3779b9) >>> 0;
        let z = this.state;
        z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
        z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
        return (z ^ (z >>> 15)) >>> 0;
    }

    /** Uniform in [0, 1). */
    next(): number {
        return this.nextUint32() / 4294967296;
    }

    /** Uniform integer in [min, max]. */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    /** Picks one element. */
    pick<T>(items: readonly T[]): T {
        return items[Math.floor(this.next() * items.length)];
    }

    /** `length` characters from `alphabet`. */
    chars(length: number, alphabet: string): string {
        let s = "";
        for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
        return s;
    }

    /** Lower-case hex string of `length` characters. */
    hex(length: number): string {
        return this.chars(length, "0123456789abcdef");
    }

    /** A UUID-shaped string (version nibble 4) drawn from this source. */
    uuid(): string {
        const h = this.hex(32);
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }

    /** Fisher-Yates shuffle in place. */
    shuffle<T>(items: T[]): T[] {
        for (let i = items.length - 1; i > 0; i--) {
            const j = Math.floor(this.next() * (i + 1));
            [items[i], items[j]] = [items[j], items[i]];
        }
        return items;
    }
}
