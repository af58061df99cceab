#!/usr/bin/env bash
# Start N playground processes behind nginx on one port. Ctrl-C (or SIGTERM) stops them all.
#
#   deploy/start.sh --processes 2 --port 8080
#
# Each process is uvicorn serving app.main:app on a Unix socket of its own; nginx (Debian's
# package: apt-get install -y nginx) balances requests across them. Nothing is shared between
# processes, so N can be anything; about one per core is what pays.
set -euo pipefail

processes=2
host=127.0.0.1
port=8080
python=${PYTHON:-python3}

usage() {
  echo "usage: deploy/start.sh [--processes N] [--host ADDR] [--port PORT]" >&2
  exit 2
}
while (($#)); do
  case $1 in
    --processes) processes=${2:?}; shift 2 ;;
    --host) host=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ $processes =~ ^[1-9][0-9]*$ ]] || { echo "--processes must be a whole number ≥ 1" >&2; exit 2; }
[[ $port =~ ^[0-9]+$ ]] || { echo "--port must be a number" >&2; exit 2; }

nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[[ -x $nginx ]] || { echo "nginx is not installed: apt-get install -y nginx" >&2; exit 1; }

cd "$(dirname "$0")/.."  # the checkout: `python -m uvicorn app.main:app` imports this app/
# Sockets, config, logs and nginx's temp files; under /tmp, since nginx's workers drop root
# (to nobody) and must still reach the sockets. Removed when the script stops.
run_dir=$(mktemp -d /tmp/playground-deploy.XXXXXX)
chmod 755 "$run_dir"

pids=()
stop_all() {
  trap - EXIT INT TERM
  ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null || true
  wait || true
  rm -rf "$run_dir"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

servers=""
for i in $(seq 1 "$processes"); do
  socket="$run_dir/app-$i.sock"
  rm -f "$socket"
  "$python" -m uvicorn app.main:app --uds "$socket" --log-level warning --no-access-log &
  pids+=($!)
  servers+="        server unix:$socket max_fails=0;"$'\n'
done

# uvicorn creates its socket once the app is imported and it listens: wait for all of them.
for _ in $(seq 1 300); do
  ready=0
  for i in $(seq 1 "$processes"); do [[ -S "$run_dir/app-$i.sock" ]] && ready=$((ready + 1)); done
  ((ready == processes)) && break
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "an app process failed to start" >&2; exit 1; }; done
  sleep 0.1
done
((ready == processes)) || { echo "the app processes did not start within 30 s" >&2; exit 1; }

conf="$run_dir/nginx.conf"
servers=${servers%$'\n'}
template=$(<deploy/nginx.conf.template)
template=${template//@RUN_DIR@/$run_dir}
template=${template//@HOST@/$host}
template=${template//@PORT@/$port}
printf '%s\n' "${template//@SERVERS@/$servers}" >"$conf"
"$nginx" -p "$run_dir" -c "$conf" -g 'daemon off;' &
pids+=($!)

for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "nginx failed: see $run_dir/nginx-error.log" >&2; cat "$run_dir/nginx-error.log" >&2; exit 1; }
  sleep 0.1
done
echo "serving http://$host:$port with $processes app process(es) behind nginx (run dir $run_dir)"

# Stay up until a signal, or until any process ends (then stop the others).
wait -n "${pids[@]}" || true
echo "a process ended; stopping the rest" >&2
exit 1
