#!/usr/bin/env bash
# Install what `make run` / `make test` need, and only what is missing.
#   scripts/deps.sh run    system libraries for the window, the UI's npm packages
#   scripts/deps.sh test   the above, plus Xvfb, WebKitWebDriver, tauri-driver, Chromium, e2e packages,
#                          cargo-deny
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "deps: '$1' is missing. $2" >&2; exit 1; }
}
need_cmd cargo "Install Rust with rustup (https://rustup.rs), then run make again."
need_cmd node "Install Node.js 20.19 or newer, then run make again."
need_cmd npm "Install npm (comes with Node.js), then run make again."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { echo "deps: Node.js $(node --version) is too old; the UI build (Vite 8) needs 20.19 or newer." >&2; exit 1; }

packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libxdo-dev libssl-dev libdbus-1-dev
  libayatana-appindicator3-dev librsvg2-dev)
if [ "$what" = test ]; then
  packages+=(xvfb xauth webkit2gtk-driver chromium postgresql mosquitto prometheus openssl
    dbus-daemon dbus-bin gnome-keyring libsecret-tools)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm_install() { # dir: install from the lockfile when node_modules is missing or older than it
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules" ]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error) && touch "$1/node_modules"
  fi
}
npm_install ui

if [ "$what" = test ]; then
  npm_install tests/e2e
  # `make lint` runs cargo deny (deny.toml). A cold install builds it from crates.io: about
  # 3 min 15 s on 2 cores.
  if ! command -v cargo-deny >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-deny" ]; then
    echo "deps: installing cargo-deny 0.20.2"
    cargo install cargo-deny --locked --version 0.20.2 --quiet
  fi
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "deps: installing tauri-driver 2.1.0"
    cargo install tauri-driver --locked --version 2.1.0 --quiet
  fi
fi
