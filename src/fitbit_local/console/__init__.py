"""The console: dev.fitbit.com for this server (apps, the OAuth 2.0 tutorial, users' data as charts, the request
log, sandbox controls, the API explorer), server-rendered at ``/console/``.

Every action here is also a CLI command (console/cli.py and cli.py) or an admin API call (sandbox/routes.py): the
pages call the same functions (`console.actions` and the store), and add no rules of their own.
"""
