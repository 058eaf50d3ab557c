#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for the tests marked `cluster`
# and for CI: the pipeline's Slurm executor profile is run against it.
#
#   bash scripts/cluster/slurm.sh start    # install if needed, start munged, slurmctld, slurmd
#   bash scripts/cluster/slurm.sh status   # which daemons run, and sinfo (exit 0 only if all run)
#   bash scripts/cluster/slurm.sh env      # the line to export so that sbatch, squeue, ... find it
#   bash scripts/cluster/slurm.sh stop     # cancel the jobs, stop the daemons by their pids
#
# For a Debian 12 (bookworm) machine or container, run as root, with or without
# systemd (the daemons are started directly, never through systemctl or init
# scripts). Debian's package registry must be reachable the first time.
#
# Everything the cluster has lies in its own folder, SLURM_STATE_DIR: its
# slurm.conf, its munge key and socket, the daemons' state, pid files and logs.
# Nothing is written to /etc/munge or /run/munge, and its two ports are the first
# free ones from 6817 up. Slurm's commands find the cluster by SLURM_CONF
# (`eval "$(bash scripts/cluster/slurm.sh env)"` sets it), except one: the `srun`
# that Snakemake's Slurm job-step plugin runs inside a job, whose environment the
# plugin clears of every SLURM_ variable, SLURM_CONF included (upstream:
# snakemake/snakemake-executor-plugin-slurm#164), so that it reads
# /etc/slurm/slurm.conf. While the cluster runs, that path is a link to its
# slurm.conf; `start` refuses, and says so, while another cluster of this script
# holds the link (a second test run on the same machine), or where the machine
# has a Slurm configuration of its own, and `stop` removes the link.
#
# The cluster has no accounting (no slurmdbd): job states come from `squeue`,
# which shows a finished job for MinJobAge seconds; `sacct` fails
# ("Slurm accounting storage is disabled").
#
# Every subcommand is idempotent: `start` on a running cluster only confirms it
# (resuming a node left down or drained, restarting slurmctld and slurmd if the
# configuration would now differ, e.g. a new hostname), `stop` with nothing
# running is fine. `stop` kills only the pids it recorded.
#
# Environment (all optional):
#   SLURM_STATE_DIR      the cluster's folder            (default /tmp/factsheet-slurm)
#   SLURM_PARTITION      name of the one partition       (default debug)
#   SLURM_CLUSTER_NAME   ClusterName                     (default factsheet)
#   SLURM_START_TIMEOUT  seconds to wait for an idle node (default 60)
#   SLURM_STOP_TIMEOUT   seconds to wait for a daemon to end after SIGTERM (default 15)
#   SLURM_MIN_JOB_AGE    seconds a finished job stays in squeue (default 300; the
#                        Snakemake plugin needs >= 3x its first status-check delay)
#   SLURM_TASK_PLUGIN    task/affinity (default: a job sees only its CPUs) or task/none
set -euo pipefail

STATE_DIR=${SLURM_STATE_DIR:-/tmp/factsheet-slurm}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd -P)
PARTITION=${SLURM_PARTITION:-debug}
CLUSTER_NAME=${SLURM_CLUSTER_NAME:-factsheet}
START_TIMEOUT=${SLURM_START_TIMEOUT:-60}
STOP_TIMEOUT=${SLURM_STOP_TIMEOUT:-15}
MIN_JOB_AGE=${SLURM_MIN_JOB_AGE:-300}
TASK_PLUGIN=${SLURM_TASK_PLUGIN:-task/affinity}

CONF=$STATE_DIR/slurm.conf
SYSTEM_CONF=/etc/slurm/slurm.conf  # a link to $CONF while the cluster runs (see above)
export SLURM_CONF=$CONF  # for this script's own sinfo, squeue, scontrol
SPOOL=$STATE_DIR/spool
MUNGE_DIR=$STATE_DIR/munge
MUNGE_KEY=$MUNGE_DIR/munge.key
MUNGE_SOCKET=$MUNGE_DIR/munge.socket.2
FIRST_PORT=6817
PACKAGES=(slurmctld slurmd slurm-client munge)
MARKER="# Written by scripts/cluster/slurm.sh"

log() { printf 'slurm.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- processes -------------------------------------------------------------

# pid recorded for daemon $1 (munged, slurmctld, slurmd), or nothing
recorded_pid() {
    local file=$STATE_DIR/$1.pid pid
    [[ -s $file ]] || return 0
    read -r pid <"$file" || true
    [[ $pid =~ ^[0-9]+$ ]] && printf '%s' "$pid"
    return 0
}

# true if pid $2 is alive and is the program $1 (not a reused pid)
is_daemon() {
    local name=$1 pid=$2 comm
    [[ -n $pid && -r /proc/$pid/comm ]] || return 1
    read -r comm <"/proc/$pid/comm" 2>/dev/null || return 1
    [[ $comm == "$name" ]] || return 1
    # a zombie (ended, not yet reaped by its parent) is not running
    local stat
    read -r stat <"/proc/$pid/stat" 2>/dev/null || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

running() {  # running <daemon>: its recorded pid is alive
    is_daemon "$1" "$(recorded_pid "$1")"
}

stop_daemon() {
    local name=$1 pid waited=0
    pid=$(recorded_pid "$name")
    if is_daemon "$name" "$pid"; then
        log "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        while is_daemon "$name" "$pid" && ((waited < STOP_TIMEOUT * 10)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if is_daemon "$name" "$pid"; then
            log "$name (pid $pid) still running after ${STOP_TIMEOUT}s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            waited=0
            while is_daemon "$name" "$pid" && ((waited < 50)); do
                sleep 0.1
                waited=$((waited + 1))
            done
        fi
    fi
    rm -f "$STATE_DIR/$name.pid"
}

port_in_use() {  # something listens on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait until file $1 holds the pid of a live $2; fail after $3 seconds
wait_pid_file() {
    local file=$1 name=$2 limit=$3 i pid
    for ((i = 0; i < limit * 10; i++)); do
        if [[ -s $file ]]; then
            read -r pid <"$file" || true
            if is_daemon "$name" "$pid"; then return 0; fi
        fi
        sleep 0.1
    done
    return 1
}

show_log() {  # last lines of log $1, to stderr
    [[ -f $1 ]] && { log "last lines of $1:"; tail -n 20 "$1" >&2; }
    return 0
}

# --- installation ----------------------------------------------------------

missing_packages() {
    local p status
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [[ $status == "install ok installed" ]] || printf '%s\n' "$p"
    done
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian 12 (bookworm)"
    log "installing ${missing[*]} (apt-get update, then apt-get install)"
    export DEBIAN_FRONTEND=noninteractive
    # The packages' scripts must not start the daemons through init scripts:
    # this script starts and stops them itself. Containers usually have a
    # policy-rc.d that says so; where there is none, one is put in place for
    # the installation only.
    local policy=/usr/sbin/policy-rc.d own_policy=
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        own_policy=1
    fi
    local rc=0
    # A source other than Debian's that cannot be reached only warns; the install says whether it matters.
    # apt_get.sh waits while another installation on the machine holds apt's lock.
    local apt_get
    apt_get=$(dirname "${BASH_SOURCE[0]}")/../apt_get.sh
    bash "$apt_get" update -qq >&2 || log "apt-get update reported errors (continuing)"
    bash "$apt_get" install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2 || rc=$?
    [[ -n $own_policy ]] && rm -f "$policy"
    ((rc == 0)) || die "apt-get install failed (exit $rc)"
}

# --- munge -----------------------------------------------------------------

# munged runs as root here, with its key, socket, seed, pid file and log in the
# cluster's folder: the machine's own munge (if any) is neither used nor touched.
ensure_munge_key() {
    install -d -m 0700 "$MUNGE_DIR"
    if [[ ! -s $MUNGE_KEY ]]; then
        log "creating $MUNGE_KEY"
        if command -v mungekey >/dev/null; then
            mungekey --create --keyfile="$MUNGE_KEY" --force
        else
            dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none
        fi
    fi
    chmod 0400 "$MUNGE_KEY"
}

munge_works() {
    munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1
}

start_munged() {
    if running munged && munge_works; then
        return 0
    fi
    stop_daemon munged
    ensure_munge_key
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
    # --force: the folders on the way (/tmp, say) may be writable by others, which munged otherwise refuses.
    /usr/sbin/munged --force --socket="$MUNGE_SOCKET" --key-file="$MUNGE_KEY" \
        --pid-file="$STATE_DIR/munged.pid" --log-file="$MUNGE_DIR/munged.log" \
        --seed-file="$MUNGE_DIR/munged.seed" 9>&- \
        || { show_log "$MUNGE_DIR/munged.log"; die "munged did not start"; }
    wait_pid_file "$STATE_DIR/munged.pid" munged 10 \
        || { show_log "$MUNGE_DIR/munged.log"; die "munged wrote no pid file"; }
    local i
    for ((i = 0; i < 50; i++)); do munge_works && break; sleep 0.1; done
    munge_works || { show_log "$MUNGE_DIR/munged.log"; die "munged does not answer"; }
    log "munged started (pid $(recorded_pid munged))"
}

# --- slurm -----------------------------------------------------------------

# The first free port from $1 up, skipping $2 (the other daemon's).
free_port() {
    local port=$1
    while port_in_use "$port" || [[ $port == "${2:-}" ]]; do port=$((port + 1)); done
    printf '%s' "$port"
}

# A port named in the cluster's current slurm.conf ($1: SlurmctldPort or SlurmdPort), if any.
conf_port() {
    [[ -f $CONF ]] && sed -n "s/^$1=\\([0-9]*\\)$/\\1/p" "$CONF" | head -n1
    return 0
}

render_conf() {  # render_conf <slurmctld port> <slurmd port>: the slurm.conf for this machine, on stdout
    local host node_line cpus mem
    host=$(hostname -s)
    # slurmd -C: "NodeName=<host> CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2
    # ThreadsPerCore=1 RealMemory=<MB>", then "UpTime=...". Only CPUs and RealMemory
    # are kept: with select/cons_tres and CR_CPU, a node described by sockets, cores
    # and threads gives a whole core to each job, so two hyper-threads would run
    # one 1-CPU job, not two.
    node_line=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=') || die "slurmd -C printed no NodeName line"
    cpus=$(sed -n 's/.*[[:space:]]CPUs=\([0-9]*\).*/\1/p' <<<"$node_line")
    mem=$(sed -n 's/.*[[:space:]]RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
    [[ -n $cpus && -n $mem ]] || die "cannot read CPUs and RealMemory from: $node_line"
    cat <<EOF
$MARKER (a single-node test cluster); rewritten by each start.
ClusterName=$CLUSTER_NAME
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
MpiDefault=none
SwitchType=switch/none
# Containers have no usable cgroups: plain process tracking; tasks are bound to
# their CPUs with sched_setaffinity (task/affinity), or not at all (task/none).
ProctrackType=proctrack/linuxproc
TaskPlugin=$TASK_PLUGIN
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: job states come from squeue (sacct reports accounting as disabled).
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
# CPUs and memory are what jobs ask for; several 1-CPU jobs share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$((mem / cpus))
# A job asking for more than the node has is refused at submission, not left pending.
EnforcePartLimits=ALL
ReturnToService=2
# Seconds a finished job stays visible to squeue and scontrol.
MinJobAge=$MIN_JOB_AGE
KillWait=10
MailProg=/bin/true
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/d
SlurmctldPidFile=$STATE_DIR/slurmctld.pid
SlurmdPidFile=$STATE_DIR/slurmd.pid
SlurmctldLogFile=$STATE_DIR/slurmctld.log
SlurmdLogFile=$STATE_DIR/slurmd.log
SlurmctldPort=$1
SlurmdPort=$2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

write_conf() {  # write_conf <content>
    local tmp
    tmp=$(mktemp "$STATE_DIR/.slurm.conf.XXXXXX")
    printf '%s\n' "$1" >"$tmp"
    chmod 0644 "$tmp"
    mv -f "$tmp" "$CONF"
}

start_slurm() {
    local conf ctld_port slurmd_port
    if running slurmctld && running slurmd; then
        ctld_port=$(conf_port SlurmctldPort)
        slurmd_port=$(conf_port SlurmdPort)
        conf=$(render_conf "$ctld_port" "$slurmd_port")
        if [[ $(<"$CONF") == "$conf" ]]; then
            return 0
        fi
        # e.g. another hostname, partition name or MinJobAge than the running cluster's
        log "the configuration has changed: restarting slurmctld and slurmd"
    fi
    # Restart both (also when only one of them is missing) with the current configuration.
    stop_daemon slurmd
    stop_daemon slurmctld
    ctld_port=$(free_port $FIRST_PORT)
    slurmd_port=$(free_port $((ctld_port + 1)) "$ctld_port")
    conf=$(render_conf "$ctld_port" "$slurmd_port")
    write_conf "$conf"
    install -d -m 0755 "$SPOOL" "$SPOOL/ctld" "$SPOOL/d"
    : >"$STATE_DIR/slurmctld.log"
    : >"$STATE_DIR/slurmd.log"
    slurmctld -f "$CONF" 9>&- || { show_log "$STATE_DIR/slurmctld.log"; die "slurmctld did not start"; }
    wait_pid_file "$STATE_DIR/slurmctld.pid" slurmctld 15 \
        || { show_log "$STATE_DIR/slurmctld.log"; die "slurmctld is not running"; }
    slurmd -f "$CONF" 9>&- || { show_log "$STATE_DIR/slurmd.log"; die "slurmd did not start"; }
    wait_pid_file "$STATE_DIR/slurmd.pid" slurmd 15 \
        || { show_log "$STATE_DIR/slurmd.log"; die "slurmd is not running"; }
    log "slurmctld (pid $(recorded_pid slurmctld), port $ctld_port) and slurmd (pid $(recorded_pid slurmd)," \
        "port $slurmd_port) started in $STATE_DIR"
}

node_name() { sed -n 's/^NodeName=\([^ ]*\).*/\1/p' "$CONF" | head -n1; }

node_state() {  # e.g. idle, mixed, down*, drained, unknown*
    sinfo -h -N -n "$1" -o '%T' 2>/dev/null | head -n1
}

wait_idle() {
    local node state i resumed=0
    node=$(node_name)
    for ((i = 0; i < START_TIMEOUT * 2; i++)); do
        state=$(node_state "$node")
        case $state in
            idle | mixed | allocated | completing) return 0 ;;
            down* | drain* | fail*)
                # Left down or drained by an earlier run (ReturnToService=2 only returns
                # a node that was down because it stopped responding).
                if ((resumed < 5)); then
                    log "node $node is $state, resuming it"
                    scontrol update nodename="$node" state=resume 2>/dev/null || true
                    resumed=$((resumed + 1))
                fi
                ;;
        esac
        sleep 0.5
    done
    show_log "$STATE_DIR/slurmctld.log"
    show_log "$STATE_DIR/slurmd.log"
    scontrol show node "$node" >&2 || true
    die "node $node not idle after ${START_TIMEOUT}s (state: ${state:-none})"
}

summary() {
    local node
    node=$(node_name)
    sinfo -h -N -n "$node" -o 'slurm: node=%N cpus=%c memory_mb=%m partition=%P state=%T'
}

# --- the link /etc/slurm/slurm.conf -----------------------------------------

# Refuse to start where another cluster holds the link, or the machine has a configuration of its own.
claim_system_conf() {
    local target other pid
    install -d -m 0755 "$(dirname "$SYSTEM_CONF")"
    exec 8>"$(dirname "$SYSTEM_CONF")/.slurm.sh.lock"
    flock -w 60 8 || die "another slurm.sh is starting a cluster; try again"
    if [[ -L $SYSTEM_CONF ]]; then
        target=$(readlink "$SYSTEM_CONF")
        if [[ $target != "$CONF" ]]; then
            other=$(dirname "$target")
            pid=$(STATE_DIR=$other recorded_pid slurmctld)
            if is_daemon slurmctld "$pid"; then
                die "another test cluster is running on this machine (its folder $other, slurmctld pid $pid):" \
                    "wait for it to stop, or stop it with SLURM_STATE_DIR=$other bash $0 stop"
            fi
        fi
    elif [[ -e $SYSTEM_CONF ]] && ! grep -qF "$MARKER" "$SYSTEM_CONF"; then
        die "$SYSTEM_CONF is a Slurm configuration this script did not write: this machine has a Slurm of its" \
            "own; run the cluster test elsewhere"
    fi
    ln -sfn "$CONF" "$SYSTEM_CONF"
    exec 8>&-
}

release_system_conf() {
    if [[ -L $SYSTEM_CONF && $(readlink "$SYSTEM_CONF") == "$CONF" ]]; then
        rm -f "$SYSTEM_CONF"
    fi
}

# --- subcommands -----------------------------------------------------------

lock_state_dir() {
    install -d -m 0755 "$STATE_DIR"
    exec 9>"$STATE_DIR/lock"
    flock -w 300 9 || die "another slurm.sh holds $STATE_DIR/lock"
}

cmd_start() {
    [[ $(id -u) == 0 ]] || die "run as root"
    lock_state_dir
    install_packages
    claim_system_conf
    start_munged
    start_slurm
    wait_idle
    summary
}

cmd_stop() {
    lock_state_dir
    # Cancel the jobs first, so no job step outlives the cluster.
    if running slurmctld; then
        local jobs i
        mapfile -t jobs < <(squeue -h -o '%i' 2>/dev/null || true)
        if ((${#jobs[@]})); then
            log "cancelling jobs: ${jobs[*]}"
            scancel "${jobs[@]}" 2>/dev/null || true
            for ((i = 0; i < 40; i++)); do
                [[ -z $(squeue -h -t RUNNING,COMPLETING -o '%i' 2>/dev/null || true) ]] && break
                sleep 0.5
            done
        fi
    fi
    stop_daemon slurmd
    stop_daemon slurmctld
    stop_daemon munged
    release_system_conf
    log "stopped"
}

cmd_status() {
    local name pid all=0
    for name in munged slurmctld slurmd; do
        pid=$(recorded_pid "$name")
        if is_daemon "$name" "$pid"; then
            echo "$name: running (pid $pid)"
        else
            echo "$name: not running"
            all=1
        fi
    done
    if running slurmctld; then
        sinfo || all=1
    fi
    return $all
}

case ${1:-} in
    start) cmd_start ;;
    env) printf 'export SLURM_CONF=%q\n' "$CONF" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 start|stop|status|env" >&2
        exit 2
        ;;
esac
