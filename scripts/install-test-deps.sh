#!/usr/bin/env bash
# Installs the system programs the end-to-end tests use, only those missing:
#   java (HermiT), virtuoso-t (catalog on Virtuoso), Apache Jena's jars (catalog on ARQ),
#   chromium + chromedriver (browser tests), a CJK font (so screenshots show the Chinese
#   text, not boxes); then Comunica into tests/node (npm ci from its package-lock.json).
# Never fails: without apt or a registry it warns, and the tests that need a program skip
# with the reason. Measured on Debian 12, 2 cores: ~22 s for virtuoso-opensource, ~23 s
# for chromium + chromium-driver + fonts-wqy-zenhei (after `apt-get update`, ~2 s).
set -uo pipefail

need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
[ -f /usr/share/java/jena-arq.jar ] || need+=(libapache-jena-java)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# the Hei face the PDF property test renders headings with (tests/pdf_render.py)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)

# Comunica, the third-party client of tests/test_comunica.py: the versions pinned in
# tests/node/package-lock.json, nothing fetched at test time. Measured: ~30 s.
install_comunica() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
  if [ -x "$dir/node_modules/.bin/comunica-sparql" ]; then
    echo "comunica: present"
  elif ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm not found; tests/test_comunica.py will skip"
  elif (cd "$dir" && npm ci --no-audit --no-fund >/tmp/skillgraph-npm.log 2>&1); then
    echo "comunica: installed into tests/node"
  else
    echo "warning: npm ci in tests/node failed (see /tmp/skillgraph-npm.log);" \
      "tests/test_comunica.py will skip"
  fi
}

if [ ${#need[@]} -eq 0 ]; then
  echo "test programs: all present"
  install_comunica
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  echo "warning: cannot install ${need[*]} (needs apt-get as root); tests needing them will skip"
  install_comunica
  exit 0
fi

echo "installing: ${need[*]}"
start=$(date +%s)

# The packaged Virtuoso asks for a DBA password and would start a system-wide server
# listening on every interface (ports 1111, 8890). Tests run their own instance on
# loopback, so: an empty password (the package then disables its daemon) and, for the
# length of the install, a policy-rc.d that forbids starting any service.
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password" | debconf-set-selections
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password" \
  | debconf-set-selections
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi

if apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/tmp/skillgraph-apt.log 2>&1; then
  echo "installed ${need[*]} in $(($(date +%s) - start)) s"
else
  echo "warning: could not install ${need[*]} (see /tmp/skillgraph-apt.log);" \
    "tests needing them will skip"
  tail -5 /tmp/skillgraph-apt.log 2>/dev/null || true
fi
install_comunica
exit 0
