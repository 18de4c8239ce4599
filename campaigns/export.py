"""Export for sending: approved, unchanged messages with their consented audience, and a manifest.

Only a message whose current version is exactly the approved content (same hash, not flagged after a
rule change) is exported. The audience is the segment's members who may be contacted on the
message's channel for its purpose (`privacy.reachable`), divided between the A/B variants by their
intended splits (`campaigns.variants`, the rest is a hold-out); ids are pseudonyms, and contact details are
added only when the dataset's declared purpose sends messages. Spreadsheet formulas are neutralised
and every export is audited with its manifest's hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from campaigns.review import recheck_approved
from campaigns.service import exportable
from campaigns.variants import HOLDOUT, assign_variants
from privacy.exports import to_csv_bytes, to_xlsx_bytes
from privacy.minimisation import PURPOSES
from privacy.reachable import granted_subjects
from segmentation.service import segment_mask, segmentable_data
from store import campaigns as campaign_store
from store.audit import append_audit
from store.authz import Principal, requires
from store.db import WRITE
from store.schema import utcnow

CONTACT_MASK_FOR_CHANNEL = {"email": "email", "sms": "phone", "phone": "phone"}


class ExportError(ValueError):
    """Nothing may be exported yet; the message says why."""


def _contact_column(info: dict[str, Any], channel: str) -> str | None:
    """The kept contact column for ``channel``, only when the dataset's purpose is to send messages."""
    purpose = PURPOSES.get(info["purpose"])
    wanted = CONTACT_MASK_FOR_CHANNEL.get(channel)
    if wanted is None or purpose is None or not purpose.sends_messages:
        return None
    return next((column for column, role in info["column_roles"].items()
                 if role.get("action") == "kept" and role.get("mask_kind") == wanted), None)


@requires("marketer", action="export approved messages")
def export_campaign(engine: Engine, actor: Principal, campaign_id: int, file_format: str = "csv") -> tuple[bytes, dict]:
    """A zip with one audience file per approved message, the approved copy and manifest.json."""
    if file_format not in ("csv", "xlsx"):
        raise ExportError("Choose csv or xlsx.")
    campaign = campaign_store.read_campaign(engine, campaign_id)
    data = segmentable_data(engine, actor, campaign["dataset_id"])
    # Approvals are judged again now: rules may have changed and waivers may have expired since.
    campaign_messages = campaign_store.read_messages(engine, campaign_id)
    flagged = recheck_approved(engine, actor, [m["id"] for m in campaign_messages], force=True)
    campaign_messages = campaign_store.read_messages(engine, campaign_id)
    entries, files = [], {}
    for message in campaign_messages:
        versions = campaign_store.read_versions(engine, message["id"])
        if not exportable(message, versions):
            continue
        version = versions[-1]
        approvals = [e for e in campaign_store.read_events(engine, message["id"])
                     if e["kind"] == "approve" and e["content_hash"] == version["content_hash"]]
        mask = segment_mask(engine, actor, data, message["segment_id"])
        members = data.frame.loc[mask.to_numpy()]
        reachable = members[members[data.subject_column].isin(granted_subjects(engine, message["channel"],
                                                                               message["purpose"]))]
        # A/B variants share the segment × channel audience: each person gets at most one variant.
        splits = {m["variant"]: m["split"] for m in campaign_messages
                  if (m["segment_id"], m["channel"]) == (message["segment_id"], message["channel"])}
        assigned = assign_variants(reachable[data.subject_column], splits,
                                   salt=f"{campaign_id}:{message['segment_id']}:{message['channel']}")
        holdout = int((assigned == HOLDOUT).sum())
        reachable = reachable[(assigned == message["variant"]).to_numpy()]
        audience = pd.DataFrame({"subject_id": reachable[data.subject_column].to_numpy(),
                                 "message_id": message["id"], "variant": message["variant"]})
        contact = _contact_column(data.info, message["channel"])
        if contact is not None:
            audience["contact"] = reachable[contact].to_numpy()
        stem = f"message-{message['id']}-{message['channel']}-{message['variant']}"
        files[f"{stem}.{file_format}"] = to_csv_bytes(audience) if file_format == "csv" else to_xlsx_bytes(audience)
        files[f"{stem}-copy.json"] = json.dumps(version["content"], ensure_ascii=False, indent=1).encode()
        entries.append({"message_id": message["id"], "segment_id": message["segment_id"],
                        "channel": message["channel"], "variant": message["variant"], "version": version["version"],
                        "content_hash": version["content_hash"], "ruleset_version": version["ruleset_version"],
                        "approvals": [{"by": a["actor"], "at": a["created_at"].isoformat(),
                                       "ruleset_version": a["ruleset_version"]} for a in approvals],
                        "recipients": len(audience), "contact_details": contact is not None,
                        "split": message["split"], "variants": dict(sorted(splits.items())),
                        "holdout": holdout})
    if not entries:
        raise ExportError("No message of this campaign is approved in its current form yet."
                          + (f" {len(flagged)} approved message(s) no longer pass the rules in force (a rule changed "
                             "or a waiver expired) and went back to the review queue." if flagged else ""))
    manifest = {"campaign": campaign["name"], "campaign_id": campaign_id, "exported_at": utcnow().isoformat(),
                "exported_by": actor.username, "dataset_id": campaign["dataset_id"], "messages": entries,
                "sent_back_for_review": flagged}
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in files.items():
            archive.writestr(name, payload)
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        append_audit(connection, actor.username, "campaign.export", "campaign", campaign_id,
                     {"messages": [e["message_id"] for e in entries],
                      "recipients": sum(e["recipients"] for e in entries),
                      "manifest_sha256": hashlib.sha256(files["manifest.json"]).hexdigest(), "format": file_format})
    return buffer.getvalue(), manifest
