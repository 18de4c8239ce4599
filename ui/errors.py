"""Turn the errors a user can cause into one clear on-page message instead of a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from campaigns.workflow import WorkflowError
from store.authz import PermissionDenied
from store.campaigns import StaleMessage

logger = logging.getLogger("amanah.ui")

# Every error whose message is written for users. Anything else is a defect: logged without
# user data and shown as a generic message.
USER_ERRORS: tuple[type[BaseException], ...] = (ValueError, PermissionDenied, FileNotFoundError, WorkflowError,
                                                StaleMessage)


@contextmanager
def user_errors(context: str = "") -> Iterator[None]:
    """Show expected errors as ``st.error`` with their message; unexpected ones generically."""
    try:
        yield
    except PermissionDenied as exc:
        st.error(str(exc), icon="🔒")
    except USER_ERRORS as exc:
        st.error(str(exc))
    except Exception:
        logger.exception("unexpected error%s", f" while {context}" if context else "")
        st.error("Something went wrong on our side" + (f" while {context}" if context else "")
                 + ". Nothing was changed; please try again, and tell your admin if it keeps happening.")
