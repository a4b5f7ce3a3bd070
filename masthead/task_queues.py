"""Which background tasks go first: what a reader is waiting for, before work nobody waits on.

A fresh site queues minutes of image sizes and search indexing; in one first-come queue, the
confirmation e-mail a reader had just asked for waited behind all of it. Each task says where it
belongs twice, because the two backends order work differently: the database queue takes the
highest `priority` first, whatever the queue, and RQ ignores priority (bar the maximum, which it
puts at the front of its queue, newest first) and takes its queues in the order the worker lists
them. Wagtail's own tasks (reference index, focal points) stay in the default queue, between.
"""

READERS_QUEUE = "readers"
DEFAULT_QUEUE = "default"
BULK_QUEUE = "bulk"
# In the order a worker takes them: settings.TASKS and `masthead worker` list them so.
QUEUES_IN_ORDER = [READERS_QUEUE, DEFAULT_QUEUE, BULK_QUEUE]

# E-mails and live updates someone is waiting for: `@task(**READER_FACING)`.
READER_FACING = {"queue_name": READERS_QUEUE, "priority": 50}
# Image sizes, search re-indexing, retraining: `@task(**BULK)`.
BULK = {"queue_name": BULK_QUEUE, "priority": -50}
