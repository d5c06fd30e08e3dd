"""Scheduling: APScheduler runs the jobs cogs offer, on the leader, once per period."""

from bot.scheduling.entries import Job, JobContext, ScheduledEntry
from bot.scheduling.leader import LeaderElection
from bot.scheduling.scheduler import JobScheduler

__all__ = ["Job", "JobContext", "JobScheduler", "LeaderElection", "ScheduledEntry"]
