"""Forms as a browser would post them: read from a rendered page, with what the page holds.

`posted_forms(html)` finds each `<form method="post">` and the data a
browser sends for it unchanged: text inputs, hidden inputs, ticked boxes,
chosen options and textareas, never a disabled control. Tests post that
data back to check what a role can do with a page exactly as it was served.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PostedForm:
    action: str
    attributes: dict[str, str]
    data: dict[str, list[str]] = field(default_factory=dict)
    submits: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    # Every box as (name, value), ticked or not.
    checkboxes: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PostedForm] = []
        self.form: PostedForm | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                self.form = PostedForm(attributes.get("action", ""), attributes)
                self.forms.append(self.form)
            return
        if self.form is None or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "image"):
                self.form.submits.append((name, attributes.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if kind == "checkbox":
                    self.form.checkboxes.append((name, attributes.get("value", "on")))
                if "checked" in attributes:
                    self.form.add(name, attributes.get("value", "on"))
            elif kind not in ("button", "reset", "file"):
                self.form.add(name, attributes.get("value", ""))
        elif tag == "button" and name and attributes.get("type", "submit") == "submit":
            self.form.submits.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}
        elif tag == "select" and name:
            self.select = {"name": name, "chosen": [], "first": None}
        elif tag == "option" and self.select is not None:
            self.option = {
                "value": attributes.get("value"),
                "text": "",
                "chosen": "selected" in attributes,
            }

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data
        if self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            # A browser drops the one line break that follows <textarea>.
            self.form.add(self.textarea["name"], text.removeprefix("\n"))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            self.close_option()
        elif tag == "select" and self.select is not None:
            self.close_option()
            chosen = self.select["chosen"] or (
                [self.select["first"]] if self.select["first"] is not None else []
            )
            for value in chosen:
                self.form.add(self.select["name"], value)
            self.select = None

    def close_option(self):
        if self.option is None:
            return
        value = self.option["value"]
        value = self.option["text"].strip() if value is None else value
        if self.select["first"] is None:
            self.select["first"] = value
        if self.option["chosen"]:
            self.select["chosen"].append(value)
        self.option = None


def posted_forms(html: str) -> list[PostedForm]:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def page_form(html: str) -> PostedForm | None:
    """The page's own form: the first posted form that is not the header's sign-out."""
    for form in posted_forms(html):
        if not form.action.rstrip("/").endswith("logout"):
            return form
    return None
