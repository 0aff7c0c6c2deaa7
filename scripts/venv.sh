# Sourced by scripts/start, scripts/test and scripts/build: makes ROOT/.venv if it is missing
# and sets VENV_BIN to its programs folder (bin on Linux and macOS, Scripts on Windows, where
# these scripts run in Git Bash).
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
    if command -v python3 > /dev/null 2>&1 && python3 --version > /dev/null 2>&1; then
        PYTHON=python3
    else
        PYTHON=python
    fi
fi
if [ ! -x "$ROOT/.venv/bin/python" ] && [ ! -x "$ROOT/.venv/Scripts/python.exe" ]; then
    echo "==> Creating $ROOT/.venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$ROOT/.venv"
fi
if [ -x "$ROOT/.venv/Scripts/python.exe" ]; then
    VENV_BIN="$ROOT/.venv/Scripts"
else
    VENV_BIN="$ROOT/.venv/bin"
fi
export VENV_BIN
