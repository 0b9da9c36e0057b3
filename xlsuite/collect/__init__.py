"""Collecting submissions at the city/province office (the receiving end of ``send``).

``collect`` fetches new messages from the office mailbox (IMAP) or an exported
folder, stores each agency's workbook under ``<out>/<年度>/`` (earlier versions
under ``历史/``), checks it like ``xlsuite check``, names everything it does not
collect, and rewrites the tracker ``<out>/报送情况.xlsx`` against the agency list.
``remind`` mails the listed agencies that have not reported. The CLI
(``xlsuite collect`` / ``xlsuite remind``) and the ribbon's 收集 button call these.
"""
from .agencies import Agency, AgencyList, ListError, read_list
from .config import CollectConfig, load_collect_config
from .imap import MailboxError
from .run import CollectResult, Received, Reminder, collect, default_year, remind, send_replies, update_tracker

__all__ = ["Agency", "AgencyList", "ListError", "read_list", "CollectConfig", "load_collect_config", "MailboxError",
           "CollectResult", "Received", "Reminder", "collect", "default_year", "remind", "send_replies",
           "update_tracker"]
