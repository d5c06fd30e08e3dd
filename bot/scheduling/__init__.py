"""Scheduling: APScheduler runs the jobs cogs offer, on the leader, once per period."""

from bot.scheduling.leader import LeaderElection
from bot.scheduling.scheduler import Job, JobContext, JobScheduler, ScheduledEntry

__all__ = ["Job", "JobContext", "JobScheduler", "LeaderElection", "ScheduledEntry"]
