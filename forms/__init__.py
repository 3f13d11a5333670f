"""WTForms of the applicant pages: one module per form.

The fields parse what people type (German money and dates); every rule about the content
lives in the rules engine, and :mod:`forms.findings` only puts its findings at the fields.
"""
