"""Public addresses in each edition, without walking the URL patterns for every link.

reverse() looks the pattern up, checks every argument against it and quotes
the result each time it is called, and a page links dozens of articles,
categories, authors and tags. address() reverses each pattern once per
edition with stand-in arguments and fills the real ones into the result:
ids are numbers and slugs ASCII (articles/editions/slugs.py), which need no
quoting. Anything else goes through reverse() as before.
"""

import re
from functools import cache

from django.urls import get_script_prefix, reverse
from django.utils import translation

# Stand-ins that no prefix or pattern contains.
STAND_INS = {"pk": "918273645", "slug": "stand-in-slug"}
PLAIN = re.compile(r"[-a-zA-Z0-9_]+")


def address(url_name: str, language: str, **kwargs: int | str) -> str:
    """reverse(url_name, kwargs=kwargs) with `language`'s prefix, for an id and/or a slug."""
    values = {name: str(value) for name, value in kwargs.items()}
    if values.keys() <= STAND_INS.keys() and all(map(PLAIN.fullmatch, values.values())):
        return template(url_name, language, tuple(sorted(values)), get_script_prefix()).format(
            **values
        )
    with translation.override(language):
        return reverse(url_name, kwargs=kwargs)


@cache
def template(url_name: str, language: str, names: tuple[str, ...], script_prefix: str) -> str:
    """The address with `{pk}`, `{slug}` where the arguments go."""
    with translation.override(language):
        reversed_ = reverse(url_name, kwargs={name: STAND_INS[name] for name in names})
    reversed_ = reversed_.replace("{", "{{").replace("}", "}}")
    for name in names:
        reversed_ = reversed_.replace(STAND_INS[name], f"{{{name}}}")
    return reversed_
