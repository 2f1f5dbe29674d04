"""Letter templates: the letter's structure as data (issue 18). The old styles' column stays until
0003 has started each existing letter from the matching shipped template."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_letterhead'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(
            model_name='letterversion',
            old_name='style',
            new_name='template_name',
        ),
        migrations.AddField(
            model_name='letter',
            name='date',
            field=models.DateField(blank=True, help_text='Empty: the day it is issued.', null=True, verbose_name='date of the letter'),
        ),
        migrations.AlterField(
            model_name='letterversion',
            name='template_name',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='sectionrevision',
            name='action',
            field=models.CharField(choices=[('edited', 'Edited'), ('reset', 'Reset to the generated text'), ('structure', 'Heading, place or visibility changed')], max_length=10),
        ),
        migrations.CreateModel(
            name='LetterTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('name', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('is_shipped', models.BooleanField(default=False, help_text='Ships with the product; read-only.')),
                ('key', models.SlugField(blank=True, help_text="A shipped template's name in code (its loader).", max_length=60)),
                ('default_for_kinds', models.JSONField(blank=True, default=list, help_text='Kinds of review whose letters start from this shipped template.')),
                ('numbering', models.CharField(choices=[('decimal', 'Sections 1., 2., 3. and subsections 5.1, 5.2'), ('sections', 'Sections 1., 2., 3. only'), ('none', 'No numbers')], default='decimal', max_length=10)),
                ('title', models.TextField(blank=True, help_text='One line per line of the title. Placeholders such as {host} are filled in.', verbose_name='title')),
                ('title_capitals', models.BooleanField(default=False, verbose_name='print the title in capitals')),
                ('salutation', models.CharField(default='Dear {first name}', max_length=200)),
                ('show_your_reference', models.BooleanField(default=True, verbose_name='print “Your reference”')),
                ('show_our_reference', models.BooleanField(default=True, verbose_name='print “Our reference”')),
                ('enquiries_to', models.CharField(choices=[('lead_reviewer', 'The lead reviewer'), ('coordinator', 'The coordinator'), ('named', 'A named person'), ('none', 'Leave out “Enquiries to”')], default='lead_reviewer', max_length=20)),
                ('enquiries_name', models.CharField(blank=True, max_length=200, verbose_name='name for “Enquiries to”')),
                ('show_enquiries_email', models.BooleanField(default=False, verbose_name='print their email address')),
                ('enquiries_phone', models.CharField(blank=True, max_length=40, verbose_name='direct line')),
                ('show_date', models.BooleanField(default=True, verbose_name='print the date')),
                ('sign_off', models.CharField(default='Yours sincerely', max_length=100)),
                ('signatory', models.CharField(choices=[('lead_reviewer', 'The lead reviewer'), ('director', "The lead organisation's signatory (from its letterhead)"), ('named', 'A named person')], default='director', max_length=20)),
                ('signatory_name', models.CharField(blank=True, max_length=200, verbose_name='name of the person who signs')),
                ('signatory_title', models.CharField(blank=True, max_length=200, verbose_name='their job title')),
                ('show_signatory_organisation', models.BooleanField(default=True, verbose_name="print the lead organisation's name under the signatory")),
                ('signature', models.FileField(blank=True, max_length=300, upload_to='signatures/', validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg'])], verbose_name='signature image')),
                ('first_page_footer', models.CharField(blank=True, help_text="Printed at the foot of the first page. Empty: the letterhead's own, if it has one.", max_length=300, verbose_name='first-page footer line')),
                ('continuation', models.CharField(blank=True, choices=[('Continued', '“Continued” at the top of every page after the first'), ('Continued/...', '“Continued/...” at the top of every page after the first'), ('', 'No continuation marker')], default='Continued', max_length=20, verbose_name='continuation marker')),
                ('copied_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='copies', to='reports.lettertemplate')),
                ('organisation', models.ForeignKey(blank=True, help_text='Whose template this is. Empty for the shipped ones.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='letter_templates', to='accounts.organisation')),
            ],
            options={
                'ordering': ['-is_shipped', 'name', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='letter',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.lettertemplate'),
        ),
        migrations.AddField(
            model_name='letter',
            name='template',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letter', to='reports.lettertemplate'),
        ),
        migrations.CreateModel(
            name='TemplateSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0)),
                ('key', models.SlugField(max_length=60)),
                ('heading', models.CharField(blank=True, max_length=300)),
                ('numbered', models.BooleanField(default=True, verbose_name='number the heading')),
                ('subsection', models.BooleanField(default=False, verbose_name='a subsection of the section before')),
                ('content', models.CharField(choices=[('generated', "Text written from the review's data"), ('free', 'Text written here, with placeholders'), ('own', "The lead reviewer's own words (starts empty in every letter)")], default='generated', max_length=10)),
                ('block', models.CharField(blank=True, max_length=40, verbose_name='generated text')),
                ('detail', models.BooleanField(default=False, help_text='Key lines of enquiry: with their descriptions. The annex: with its chart.', verbose_name='with detail')),
                ('text', models.TextField(blank=True)),
                ('show', models.CharField(choices=[('filled', 'Only when it has something to say'), ('always', 'Always, even when it is empty')], default='filled', max_length=10)),
                ('hidden', models.BooleanField(default=False, verbose_name='leave out of the letter')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='reports.lettertemplate')),
            ],
            options={
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='lettertemplate',
            constraint=models.UniqueConstraint(condition=models.Q(('is_shipped', True)), fields=('key',), name='one_shipped_template_per_key'),
        ),
        migrations.AddConstraint(
            model_name='templatesection',
            constraint=models.UniqueConstraint(fields=('template', 'key'), name='one_section_per_key'),
        ),
    ]
