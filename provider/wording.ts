/**
 * The names a message gives to what its reader wrote: a data source's arguments and a gate's
 * requirements. A program spells them as the SDK does (`invocationId`, `require.maxFailed`); the
 * `taskgate` command line as its options (`--invocation-id`, `--require max-failed`). A message
 * that names them is written as a {@link Phrase} over a {@link Wording}, so each reader gets its own
 * words from the same sentence, and nothing rewrites a finished message afterwards.
 */

/** How a message names arguments and requirements for one kind of reader. */
export interface Wording {
    /**
     * An argument in running text: `invocationId` in a program, `--invocation-id` on the command line.
     * @param name the argument as the SDK spells it.
     */
    arg(name: string): string;
    /**
     * Where an argument is given, in "set X, the stack config or the environment variable": "the
     * `region` argument" in a program, `--region` on the command line; undefined where the reader
     * has no such place (the command line takes no credential as an option).
     * @param name the argument as the SDK spells it.
     */
    argSetting(name: string): string | undefined;
    /**
     * A gate requirement in running text: `minSuccessRatio` in a program, `min-success-ratio` on the command line.
     * @param name the requirement as the SDK spells it.
     */
    requirement(name: string): string;
    /**
     * How to turn a true/false requirement on: "set allowEmpty" in a program, "add --require allow-empty" on the command line.
     * @param requirement the requirement as the SDK spells it.
     */
    enable(requirement: string): string;
    /**
     * The field an error names: `invocationTaskIds[2]`, `require.maxFailed` or `tencentcloud:region`
     * in a program; `--invocation-task-ids`, `--require max-failed` on the command line (where a
     * setting has no option, as it is).
     * @param path the field as the SDK names it.
     */
    field(path: string): string;
}

/** A sentence that names arguments or requirements, in whichever words its reader uses. */
export type Phrase = (words: Wording) => string;

/** A program's words: names as the SDK spells them. */
export const PROGRAM_WORDS: Wording = {
    arg: (name) => name,
    argSetting: (name) => `the \`${name}\` argument`,
    requirement: (name) => name,
    enable: (requirement) => `set ${requirement}`,
    field: (path) => path,
};

/** `a, b or c` (with `last` "or"; "and" gives `a, b and c`) of words already in the reader's words. */
export function wordList(words: readonly string[], last: string): string {
    return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} ${last} ${words[words.length - 1]}`;
}

/** `a, b or c` of names already in the reader's words. */
export function orList(names: readonly string[]): string {
    return wordList(names, "or");
}
