"""Subscription notifications (issue 13): subscriber verification, signing, the fan-out from the ``changes`` table
into the persistent delivery queue, and the delivery worker the server runs.

- `signing`: ``X-Fitbit-Signature`` and the sealed copy of the client secret it is computed with;
- `outbound`: the one outgoing HTTP call (5-second timeout), used by verification and delivery;
- `subscribers`: adding, changing and verifying subscriber endpoints (CLI and admin API share it);
- `fanout`: change records → notification batches, one per subscriber;
- `worker`: claims due deliveries, POSTs them, records every attempt, retries with backoff;
- `commands` and `admin`: the CLI commands and the ``/_sandbox`` endpoints.
"""
