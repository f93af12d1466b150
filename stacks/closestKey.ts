// "Did you mean ...?" for a mistyped name, the way the Pulumi CLI suggests a project attribute:
// the candidate with the smallest Levenshtein distance, compared case-insensitively, at most 2
// edits away, the first alphabetically on a tie (pulumi/pulumi sdk/go/common/workspace/project.go,
// findClosestKey and maxValidationAttributeDistance).

/** Edits (insert, delete, substitute) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitute = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitute));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The candidate closest to `needle`, or undefined when none is within `maxDistance` edits. */
export function closestKey(needle: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
    let best: string | undefined;
    let bestDistance = maxDistance + 1;
    for (const candidate of [...candidates].sort()) {
        const d = editDistance(needle.toLowerCase(), candidate.toLowerCase());
        if (d === 0) return candidate;
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}
