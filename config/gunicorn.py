"""Gunicorn settings for the web process: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be changed through the environment, so the image and the compose file stay generic.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Inside a container 0.0.0.0 is the only useful address; a host-level install sets GUNICORN_BIND.
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Synchronous workers, one per CPU this process may use: requests are short and the database is
# the bottleneck. WEB_CONCURRENCY overrides it (the name the hosting platforms use).
worker_class = "sync"
# os.process_cpu_count (3.13) honours CPU affinity; 3.12 only has os.cpu_count.
workers = _int("WEB_CONCURRENCY", getattr(os, "process_cpu_count", os.cpu_count)() or 1)

# A request that runs longer than this is killed; on SIGTERM workers get graceful_timeout seconds
# to finish what they are doing before they are stopped.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The heartbeat file on tmpfs: a disk-backed /tmp (as in many containers) can stall workers.
if os.path.isdir("/dev/shm"):  # noqa: S108 - tmpfs for the heartbeat file only, no data  # nosec B108
    worker_tmp_dir = "/dev/shm"  # noqa: S108 - as above  # nosec B108

# The proxies whose X-Forwarded-Proto gunicorn believes. Behind a proxy in a container network,
# set FORWARDED_ALLOW_IPS to its address (or "*" when nothing but the proxy can reach gunicorn).
# Django decides HTTPS itself through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access and error log on stdout/stderr, where the container runtime collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Gunicorn's default format with the time taken added at the end.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Gunicorn's runtime control socket (gunicornc) is not used; its default path in $HOME would be
# shared by every instance on a host and is not writable for the image's user.
control_socket_disable = True

# The master imports the site once and forks the workers from it, so a recycled worker starts at once
# instead of importing Django and the site again (about a second of CPU, while requests queue behind the
# other worker: most of the load bench's p99). New code therefore needs a restart, not a HUP.
preload_app = True


def when_ready(server):
    """Work every worker would otherwise repeat on its first requests, done once in the master before
    the first fork. Workers must not share the master's database or Redis connections, so any it opened
    are closed before they are forked."""
    import gc

    from django.core.cache import caches
    from django.db import connections

    from core.warmup import warm_up

    warm_up()
    connections.close_all()
    caches.close_all()
    # The site's modules live as long as the process: out of the collector's sight, a worker's collections
    # neither walk them nor write to their pages (which would copy every page shared with the master).
    gc.freeze()
