"""The NOC's browser console and the customers' pages: one package of blueprints per area."""
