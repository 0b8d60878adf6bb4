# Kazakh in the Latin alphabet writes dates as Cyrillic Kazakh does:
# "25 qaraşa 2026 j., 14:30" (month names from the transliterated catalogue).
DATE_FORMAT = r"j E Y \j."  # the literal j. ("jyl") escaped from the day format
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j E Y \j., H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
