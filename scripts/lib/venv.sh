# Sourced by scripts/run, scripts/test and .ci/run: makes sure .venv holds planbot.
# `ensure_venv SPEC` installs SPEC ('.' or '.[dev]') in editable mode, again only when
# pyproject.toml has changed since the last install of that SPEC.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

ensure_venv() {
    local spec="$1"
    local stamp="$root/.venv/.installed-${spec//[^a-z]/_}"
    local wanted
    if [ ! -x "$root/.venv/bin/python" ]; then
        python3 -m venv "$root/.venv"
    fi
    wanted="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "Đang cài đặt planbot vào .venv …" >&2
        (cd "$root" && "$root/.venv/bin/python" -m pip install --quiet --editable "$spec")
        echo "$wanted" >"$stamp"
    fi
}
