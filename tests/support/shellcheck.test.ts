// The ShellCheck the tests use finds what the system binary finds: on a broken script, the exact
// findings `shellcheck -s bash` 0.9.0 (Debian) reports, read from its output by hand; the
// WebAssembly fallback always, the system binary too when it is on PATH.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { shellcheckFindings, SHELLCHECK_USED } from "./shellcheck";

const BROKEN = `#!/bin/bash
for f in $(ls *.txt); do
  echo $f
done
cd /tmp
if [ $x == 1 ]; then echo "a"; fi
read line
y=\`date\`
echo "$y" | grep foo | wc -l
rm -rf "$dir/"*
[ -n $z ]
`;

const EXPECTED = [
    "2:10 SC2045 error", "2:15 SC2035 info", "3:8 SC2086 info", "5:1 SC2164 warning", "6:6 SC2154 warning",
    "6:6 SC2086 info", "7:1 SC2162 info", "7:6 SC2034 warning", "8:3 SC2006 style", "9:13 SC2126 style",
    "10:8 SC2115 warning", "10:9 SC2154 warning", "11:6 SC2070 error", "11:6 SC2086 info",
];

const UNPARSEABLE = `#!/bin/bash
if [ "$1" ]; then echo "a" fi
`;

const brief = (findings: Array<{ line: number; column: number; code: number; severity: string }>) =>
    findings.map((f) => `${f.line}:${f.column} SC${f.code} ${f.severity}`);

const systemPresent = spawnSync("shellcheck", ["--version"]).status === 0;

describe(`tests/support/shellcheck (the tests use ${SHELLCHECK_USED})`, () => {
    for (const backend of ["wasm", "system"] as const) {
        it(`${backend}: reports every finding of a broken script, with its code, place and severity`, async function () {
            if (backend === "system" && !systemPresent) this.skip();
            assert.deepEqual(brief(await shellcheckFindings(BROKEN, backend)).sort(), [...EXPECTED].sort());
        });

        it(`${backend}: reports a parse error, and nothing in a clean script`, async function () {
            if (backend === "system" && !systemPresent) this.skip();
            assert.deepEqual(brief(await shellcheckFindings(UNPARSEABLE, backend)).sort(),
                ["2:1 SC1046 error", "2:1 SC1073 error", "2:28 SC1010 warning", "3:1 SC1047 error", "3:1 SC1072 error"].sort());
            assert.deepEqual(await shellcheckFindings(`#!/bin/bash\necho "$1"\n`, backend), []);
        });
    }
});
