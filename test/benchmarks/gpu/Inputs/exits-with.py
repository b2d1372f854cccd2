"""exits-with.py CODE COMMAND...: runs COMMAND; succeeds only if it exits
with CODE (lit's `not` accepts any failure)."""
import subprocess
import sys

expected = int(sys.argv[1])
code = subprocess.run(sys.argv[2:]).returncode
if code != expected:
    print(f"exits-with.py: {sys.argv[2:]} exited {code}, not {expected}",
          file=sys.stderr)
    sys.exit(1)
