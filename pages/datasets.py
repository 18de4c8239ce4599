"""Data: the stored datasets — list, rename, delete."""

import pandas as pd
import streamlit as st

from store.datasets import delete_dataset, list_datasets, rename_dataset
from ui.auth import require_roles
from ui.context import get_engine
from ui.display import show_table
from ui.errors import user_errors

principal = require_roles("marketer")
engine = get_engine()

st.title("Data")

with user_errors("loading datasets"):
    found = list_datasets(engine, principal)
    if not found:
        st.info("No datasets yet.")
        st.stop()
    table = pd.DataFrame(found)[["id", "name", "kind", "purpose", "version", "row_count", "column_count",
                                 "created_at", "content_hash"]]
    table["content_hash"] = table["content_hash"].str[:12]
    show_table(table, key="datasets_table")

    by_label = {f"{row['name']} (#{row['id']})": row for row in found}
    label = st.selectbox("Dataset", list(by_label), key="dataset_choice")
    chosen = by_label[label]
    roles = pd.DataFrame(
        [{"column": column, **{k: v for k, v in info.items() if k in ("role", "tag", "special_category", "reason")}}
         for column, info in chosen["column_roles"].items()]
    )
    st.subheader("Columns and their roles")
    show_table(roles, key="dataset_roles")

    with st.expander("Rename or delete"):
        new_name = st.text_input("New name", value=chosen["name"], key="dataset_new_name", max_chars=200)
        if st.button("Rename", key="dataset_rename"):
            with user_errors("renaming the dataset"):
                rename_dataset(engine, principal, chosen["id"], new_name)
                st.rerun()
        confirm = st.checkbox(f"Yes, delete '{chosen['name']}' and its file", key="dataset_delete_confirm")
        if st.button("Delete dataset", key="dataset_delete", disabled=not confirm, type="primary"):
            with user_errors("deleting the dataset"):
                delete_dataset(engine, principal, chosen["id"])
                st.success("Dataset deleted.")
                st.rerun()
