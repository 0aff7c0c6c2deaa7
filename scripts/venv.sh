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

# install_project EXTRAS: install the project (editable, with those extras) into .venv, but only
# when it is not installed yet or pyproject.toml (its dependencies) changed since it was: the
# code itself is read from this folder, so a changed .py file needs no install. Once installed,
# starting needs no network.
install_project() {
    local extras="$1" stamp want
    stamp="$ROOT/.venv/.installed-${extras//,/-}"
    want="$("$VENV_BIN/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$ROOT/pyproject.toml")"
    # Any earlier install with at least these extras, from this pyproject.toml, will do.
    local done_file done_extras extra covered
    for done_file in "$ROOT"/.venv/.installed-*; do
        [ -f "$done_file" ] && [ "$(cat "$done_file")" = "$want" ] || continue
        done_extras="-${done_file##*/.installed-}-"
        covered=yes
        for extra in ${extras//,/ }; do
            case "$done_extras" in *"-$extra-"*) ;; *) covered=no ;; esac
        done
        if [ "$covered" = yes ] && "$VENV_BIN/python" -c 'import practice_action' 2> /dev/null; then
            return 0
        fi
    done
    echo "==> Installing Practice Action ($extras) into $ROOT/.venv"
    "$VENV_BIN/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[$extras]"
    echo "$want" > "$stamp"
}
