#!/usr/bin/env python3
"""Classroom 50 autograder for the async TypeScript course.

Place this file at <classroom>/autograders/<assignment>/autograder.py in your Classroom 50 config
repository, and give the assignment the runtime {"node": "24"} in assignments.json. The Classroom 50
runner execs it in the learner's checkout with the submission's identity in the environment
(CLASSROOM, ASSIGNMENT, SUBMISSION_TAG, USERNAME, COMMIT_URL, RELEASE_URL, REVIEW_URL, ...).

It installs the locked dependencies, grades every exercise once and writes ./result.json in the
classroom50/result/v1 format (one test per check, with its points, message and hint). It exits 0 whenever
grading ran, whatever the score; non-zero only when result.json could not be written (the runner then
records an error result).
"""

import os
import pathlib
import subprocess
import sys

RESULT = pathlib.Path("result.json")


def run(command: list[str]) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode


def main() -> int:
    npm = "npm.cmd" if os.name == "nt" else "npm"
    if RESULT.exists():
        RESULT.unlink()  # never report a result.json left in the checkout
    if run([npm, "ci", "--no-audit", "--no-fund"]) != 0:
        print("autograder: npm ci failed; is package-lock.json the course's?", file=sys.stderr)
        return 1
    run([
        "node", "--import", "tsx", "graders/harness/commands/cli.ts",
        "--verbose", "--exit-zero", "--deadline", "300",
        "--format", "classroom50", "--out", str(RESULT),
    ])
    if not RESULT.exists():
        print("autograder: grading did not write result.json", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
