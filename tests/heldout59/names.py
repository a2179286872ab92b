"""The names the families give the classes they change: mixins, attributes and subclass prefixes per project."""

# Mixins as each project would name them beside its own classes.
MIXINS = {
    "django": ["ContextMixin", "CachedMixin", "OrderingMixin", "ValidationMixin", "TrackingMixin", "FormatMixin"],
    "sympy": ["EvalfMixin", "PrintableMixin", "AssumptionsMixin", "CantSympifyMixin", "LatexMixin", "HashableMixin"],
    "sphinx-doc": ["DocstringMixin", "SignatureMixin", "IndexMixin", "OptionsMixin", "LoggingMixin", "EnvMixin"],
    "matplotlib": ["PickableMixin", "StaleMixin", "AliasMixin", "TransformMixin", "CallbackMixin", "ZOrderMixin"],
    "scikit-learn": ["TransformerMixin", "ParamsMixin", "FitMixin", "TagsMixin", "OutputMixin", "CheckMixin"],
    "astropy": ["UnitMixin", "MetaMixin", "ShapedMixin", "InfoMixin", "FormatMixin", "NDArithmeticMixin"],
    "pydata": ["AttrAccessMixin", "IndexingMixin", "ReprMixin", "CoordsMixin", "EncodingMixin", "ResampleMixin"],
}
DEFAULT_MIXINS = ["LoggingMixin", "CacheMixin", "ReprMixin", "OptionsMixin", "HooksMixin", "ValidateMixin"]
# Attribute names as each project's classes spell them.
ATTRS = {
    "django": ["verbose_name", "ordering", "max_length", "choices", "related_name", "help_text", "db_table"],
    "sympy": ["precedence", "nargs", "is_commutative", "evaluate", "assumptions", "printmethod", "is_number"],
    "sphinx-doc": ["objtype", "priority", "option_spec", "member_order", "titles_allowed", "directivetype"],
    "matplotlib": ["zorder", "alpha", "linewidth", "picker", "clip_on", "animated", "label"],
    "scikit-learn": ["n_components", "max_iter", "tol", "random_state", "alpha", "copy", "verbose"],
    "astropy": ["unit", "format", "scale", "precision", "meta", "dtype", "description"],
    "pydata": ["dims", "attrs", "encoding", "coords", "fill_value", "indexes", "chunks"],
}
DEFAULT_ATTRS = ["label", "separator", "timeout", "level", "verbose", "encoding", "prefix"]
KINDS = ["Lazy", "Cached", "Json", "Sorted", "Remote", "Local", "Strict", "Default", "Nested", "Plain", "Simple"]
