"""`pcsim serve` on a free port for the Python tests: the binary is
$PCSIM_BINARY (else pcsim on the PATH); `args` go after `serve --port 0`."""
import os
import re
import subprocess


class Server:
    def __init__(self, *args):
        binary = os.environ.get("PCSIM_BINARY", "pcsim")
        self.proc = subprocess.Popen([binary, "serve", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("pcsim serve did not start: " + line)
        self.base_url = match.group(1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
