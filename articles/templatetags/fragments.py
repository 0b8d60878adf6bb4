"""Parts of a page rendered once per content version: `{% fragment "name" part... %}`.

    {% fragment "home-latest" LANGUAGE_CODE %}...{% endfragment %}

The rendered content is cached under the name, the parts and the content
version (articles.content_version), so it is made again after any change
to what readers see, and never served stale. The querysets the content
reads should be lazy: on a cache hit they are never evaluated. Previews
(`is_preview` in the context) are always rendered afresh and never kept.
"""

from django import template

from articles import content_version

register = template.Library()


@register.tag
def fragment(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits])


class FragmentNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context) -> str:
        if context.get("is_preview"):
            # A preview shows what readers may not see yet: never kept for them.
            return self.nodelist.render(context)
        parts = [str(part.resolve(context)) for part in self.parts]
        return content_version.remember(lambda: self.nodelist.render(context), "fragment", *parts)
