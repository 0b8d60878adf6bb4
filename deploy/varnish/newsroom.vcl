vcl 4.1;

# Newsroom's edge cache: Varnish with varnish-modules' xkey in front of gunicorn
# (README, "The edge cache"). The application decides what may be kept and for how
# long (Surrogate-Control), names what each page shows (xkey), and purges those
# keys whenever they change; this file only carries that out.

import std;
import xkey;

# The application server, as gunicorn is bound (`make serve`: 127.0.0.1:8000).
# The probe asks for /healthz with .host_header as its Host: one of ALLOWED_HOSTS.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .host_header = "localhost";
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start, not after the first three answers.
        .initial = 3;
    }
}

# Who may purge: this machine, and the application servers' addresses or networks
# added here ("10.0.0.0"/8;) when they run elsewhere.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        # Never a purge relayed by the TLS proxy in front, which names its client in
        # X-Real-IP (README, "Security"): through it, anyone comes from 127.0.0.1.
        if (client.ip !~ purgers || req.http.X-Real-IP) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.xkey-purged));
    }

    # Grace only while the application is down: when it is up, a page past its time
    # is made afresh for the reader who asks, never served stale.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The desk, previews, search and the health check are made for each request.
    if (req.url ~ "^/(admin|preview)/" || req.url ~ "^/[^/?]+/search(/|\?|$)"
        || req.url ~ "^/healthz") {
        return (pass);
    }
    # Signed-in editors, and browsers pinned to the primary database after a form
    # (read-your-writes), get pages made for them.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*(sessionid|newsroom_primary)=") {
        return (pass);
    }
    # Any other cookie (csrftoken, analytics) changes nothing on a public page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # Behind the TLS proxy, an http request is answered with a redirect to https.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status != 200 && beresp.status != 301 && beresp.status != 404) {
        call newsroom_not_kept;
    }
    if (beresp.http.Set-Cookie) {
        call newsroom_not_kept;
    }
    # The redirect from `/` to the reader's language: made each time, not kept per
    # Accept-Language. Pages carry their language in the path and vary on nothing.
    if (beresp.http.Vary ~ "(?i)accept-language") {
        call newsroom_not_kept;
    }

    if (beresp.http.Surrogate-Control ~ "(^|[,;])\s*no-store") {
        call newsroom_not_kept;
    } elsif (beresp.http.Surrogate-Control ~ "(^|[,;])\s*max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^(.*[,;])?\s*max-age=([0-9]+).*$", "\2s"),
            0s);
    } elsif (bereq.url ~ "^/static/" && beresp.http.Cache-Control !~ "private|no-store|no-cache") {
        # Static files have hashed names: Cache-Control's lifetime, as Varnish reads it.
    } else {
        # Without Surrogate-Control, a page is not the edge's to keep: the application
        # could not purge it.
        call newsroom_not_kept;
    }
    if (beresp.ttl <= 0s) {
        call newsroom_not_kept;
    }

    # Served past its time only while the application is down (vcl_recv).
    set beresp.grace = 24h;
    if (beresp.http.Content-Type ~ "^(text/|application/([a-z+]+\+)?(xml|json))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub newsroom_not_kept {
    # Hit-for-miss: the next request goes to the application too, and may be kept.
    set beresp.uncacheable = true;
    set beresp.ttl = 120s;
    return (deliver);
}

sub vcl_deliver {
    # For the edge alone: clients and any CDN in front get Cache-Control.
    unset resp.http.Surrogate-Control;
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
