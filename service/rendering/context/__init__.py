"""One context builder per document kind: interchange JSON + guideline + letterhead → plain data.

The kinds and the keys each template may use are listed in ``doc_templates/manifest.toml``.
"""

from __future__ import annotations

from ...domain.notice import amount_above_request, decision_findings
from .application import build_application_context
from .invitation import build_invitation_context
from .minutes import build_minutes_context
from .notice import build_approval_context, build_rejection_context
from .outcome import build_closing_letter_context, build_refund_notice_context
from .payment_order import build_payment_order_context
from .payment_request import build_payment_request_context
from .report import build_report_context
from .summary import build_report_summary_values

__all__ = [
    "amount_above_request",
    "build_application_context",
    "build_approval_context",
    "build_closing_letter_context",
    "build_invitation_context",
    "build_minutes_context",
    "build_payment_order_context",
    "build_payment_request_context",
    "build_refund_notice_context",
    "build_rejection_context",
    "build_report_context",
    "build_report_summary_values",
    "decision_findings",
]
