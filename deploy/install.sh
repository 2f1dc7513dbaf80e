#!/bin/sh
# Installs a pincluster distribution as systemd services (see docs/deployment.md).
#
#   [DESTDIR=/some/root] install.sh [--without-ipfs] [DISTRIBUTION]
#
# DISTRIBUTION is pincluster.tar.gz (built by `mvn package` as dist/pincluster.tar.gz) or an
# unpacked distribution folder. Default: the distribution this script belongs to when it is run
# from one (pincluster/install.sh), else dist/pincluster.tar.gz next to deploy/.
#
# It puts (paths below DESTDIR when set):
#   /opt/pincluster                     the distribution (replaced as a whole on upgrade)
#   /usr/local/bin/cluster-{service,ctl}  links to its launchers
#   /etc/systemd/system/*.service       cluster-service.service, ipfs.service (replaced)
#   /etc/pincluster/pincluster.env      environment file (0640; an existing one is kept)
#   /var/lib/pincluster                 configuration folder of the peer (0750, user pincluster)
#   /var/lib/ipfs                       IPFS repository folder (0750, user ipfs)
# and creates the system users pincluster and ipfs, then reloads systemd. It neither runs
# `cluster-service init` nor enables or starts anything: it prints those next steps.
# --without-ipfs: no ipfs user, folder or unit (the peer uses an IPFS node elsewhere).
#
# DESTDIR: install into that root instead of / (packaging, tests). Nothing outside it changes:
# the commands that would act on the system (useradd, chown, systemctl) are printed as
# "would run: …" instead of run. Without DESTDIR it must run as root.
set -eu
umask 022

PREFIX=/opt/pincluster
me=install.sh
say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit 2; }
# sys CMD…: a command that changes the real system; printed instead under DESTDIR
sys() {
  if [ -z "$DESTDIR" ]; then
    "$@"
    return
  fi
  line="would run:"
  for a in "$@"; do
    case "$a" in '' | *[!A-Za-z0-9_./:=@%+-]*) a="'$a'" ;; esac
    line="$line $a"
  done
  echo "$line"
}

with_ipfs=1
src=""
for arg in "$@"; do
  case "$arg" in
    --without-ipfs) with_ipfs="" ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) die "unknown option $arg (usage: $me [--without-ipfs] [DISTRIBUTION])" ;;
    *) [ -z "$src" ] || die "more than one distribution given: $src, $arg"; src=$arg ;;
  esac
done

DESTDIR=${DESTDIR:-}
if [ -n "$DESTDIR" ]; then
  case "$DESTDIR" in /*) ;; *) DESTDIR="$(pwd)/$DESTDIR" ;; esac
  DESTDIR=${DESTDIR%/}
  [ -n "$DESTDIR" ] || die "DESTDIR=/ is the real system: unset DESTDIR to install there"
  mkdir -p "$DESTDIR" || die "cannot create DESTDIR $DESTDIR"
elif [ "$(id -u)" -ne 0 ]; then
  die "must run as root (or set DESTDIR to install into another root)"
fi

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
if [ -z "$src" ]; then
  if [ -x "$here/bin/cluster-service" ]; then
    src=$here
  elif [ -f "$here/../dist/pincluster.tar.gz" ]; then
    src=$(cd "$here/../dist" && pwd)/pincluster.tar.gz
  else
    die "no distribution given and none found next to $here: pass pincluster.tar.gz (mvn package builds dist/pincluster.tar.gz)"
  fi
fi
[ -e "$src" ] || die "distribution $src does not exist"

target="$DESTDIR$PREFIX"
if [ -d "$src" ] && [ -d "$target" ] && [ "$(readlink -f "$src")" = "$(readlink -f "$target")" ]; then
  die "$src is the installed distribution itself: install from the archive or another folder"
fi

# 1. unpack or copy into a staging folder next to the target, check it, then swap it in
check_dist() {  # check_dist DIR: fails unless DIR holds a pincluster distribution
  for f in bin/cluster-service bin/cluster-ctl bin/wait-ready etc/logback.xml \
    systemd/cluster-service.service systemd/ipfs.service systemd/pincluster.env; do
    [ -e "$1/$f" ] || die "$src is not a pincluster distribution: $f is missing"
  done
  ls "$1"/lib/*.jar >/dev/null 2>&1 || die "$src is not a pincluster distribution: lib/ has no jars"
}
mkdir -p "$(dirname "$target")"
stage="$target.new.$$"
rm -rf "$stage"
trap 'rm -rf "$stage" "$stage.err"' EXIT
mkdir "$stage"
if [ -d "$src" ]; then
  check_dist "$src"
  cp -R "$src/." "$stage/"
  dist=$stage
else
  tar -xzf "$src" --no-same-owner -C "$stage" 2>"$stage.err" \
    || die "$src is not a readable .tar.gz: $(tr '\n' ' ' <"$stage.err")"
  [ -d "$stage/pincluster" ] || die "$src has no top-level pincluster/ folder: not a pincluster distribution"
  dist=$stage/pincluster
fi
check_dist "$dist"
if [ -e "$target" ]; then
  rm -rf "$target.old"
  mv "$target" "$target.old"
  mv "$dist" "$target"
  rm -rf "$target.old"
  say "replaced $target"
else
  mv "$dist" "$target"
  say "installed $target"
fi
rm -rf "$stage" "$stage.err"
trap - EXIT

# 2. launchers on PATH (absolute links into the installed tree)
mkdir -p "$DESTDIR/usr/local/bin"
for b in cluster-service cluster-ctl; do
  ln -sfn "$PREFIX/bin/$b" "$DESTDIR/usr/local/bin/$b"
done

# 3. users
add_user() {  # add_user NAME HOME COMMENT
  if [ -z "$DESTDIR" ] && getent passwd "$1" >/dev/null 2>&1; then
    say "user $1 exists"
    return 0
  fi
  sys useradd --system --user-group --home-dir "$2" --no-create-home \
    --shell /usr/sbin/nologin --comment "$3" "$1"
}
add_user pincluster /var/lib/pincluster "pincluster peer"
[ -z "$with_ipfs" ] || add_user ipfs /var/lib/ipfs "IPFS daemon"

# 4. folders and the environment file
mkdir -p "$DESTDIR/var/lib/pincluster" "$DESTDIR/etc/pincluster"
chmod 0750 "$DESTDIR/var/lib/pincluster" "$DESTDIR/etc/pincluster"
sys chown pincluster:pincluster "/var/lib/pincluster"
sys chown root:pincluster "/etc/pincluster"
if [ -n "$with_ipfs" ]; then
  mkdir -p "$DESTDIR/var/lib/ipfs"
  chmod 0750 "$DESTDIR/var/lib/ipfs"
  sys chown ipfs:ipfs "/var/lib/ipfs"
fi
envfile=/etc/pincluster/pincluster.env
if [ -e "$DESTDIR$envfile" ]; then
  say "kept $DESTDIR$envfile (the current template is $PREFIX/systemd/pincluster.env)"
else
  cp "$target/systemd/pincluster.env" "$DESTDIR$envfile"
  chmod 0640 "$DESTDIR$envfile"
  sys chown root:pincluster "$envfile"
  say "installed $DESTDIR$envfile"
fi

# 5. units
units="cluster-service.service"
[ -z "$with_ipfs" ] || units="$units ipfs.service"
mkdir -p "$DESTDIR/etc/systemd/system"
for u in $units; do
  cp "$target/systemd/$u" "$DESTDIR/etc/systemd/system/$u"
  chmod 0644 "$DESTDIR/etc/systemd/system/$u"
done
say "installed $units in $DESTDIR/etc/systemd/system"
sys systemctl daemon-reload

echo "Next steps (see $PREFIX/docs/deployment.md):"
[ -z "$with_ipfs" ] || echo "  put Kubo at /usr/local/bin/ipfs, then: systemctl enable --now ipfs"
echo "  sudo -u pincluster $PREFIX/bin/cluster-service --config /var/lib/pincluster init   # once"
echo "  edit $envfile if needed, then: systemctl enable --now cluster-service"
