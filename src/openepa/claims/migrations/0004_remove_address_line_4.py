"""Address line 4 is gone: the service does not read it, and 0003 moved it into line 3."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_returned_to_not_delivered_and_line_4_into_line_3")]

    operations = [migrations.RemoveField(model_name="certificateclaim", name="address_line_4")]
