-- +goose Up
-- The 19 universal legal instruments against terrorism, in chronological order.
-- adopted_on is the date the instrument was adopted or opened for signature
-- (for the 1980 Convention on the Physical Protection of Nuclear Material: the
-- date it was opened for signature at Vienna and New York; the text was adopted
-- at Vienna on 26 October 1979). entry_into_force_on is the date of entry into
-- force of the instrument itself, not for any particular State.
INSERT INTO instruments (code, sort_order, short_name, title, adopted_on, adopted_at, depositary, entry_into_force_on) VALUES
    ('tokyo-1963', 1, 'Tokyo Convention',
     'Convention on Offences and Certain Other Acts Committed On Board Aircraft',
     '1963-09-14', 'Tokyo', 'International Civil Aviation Organization', '1969-12-04'),
    ('hague-1970', 2, 'Hague Convention',
     'Convention for the Suppression of Unlawful Seizure of Aircraft',
     '1970-12-16', 'The Hague', 'Governments of the Russian Federation, the United Kingdom of Great Britain and Northern Ireland and the United States of America', '1971-10-14'),
    ('montreal-1971', 3, 'Montreal Convention',
     'Convention for the Suppression of Unlawful Acts against the Safety of Civil Aviation',
     '1971-09-23', 'Montreal', 'Governments of the Russian Federation, the United Kingdom of Great Britain and Northern Ireland and the United States of America', '1973-01-26'),
    ('protected-persons-1973', 4, 'Internationally Protected Persons Convention',
     'Convention on the Prevention and Punishment of Crimes against Internationally Protected Persons, including Diplomatic Agents',
     '1973-12-14', 'New York', 'Secretary-General of the United Nations', '1977-02-20'),
    ('hostages-1979', 5, 'Hostages Convention',
     'International Convention against the Taking of Hostages',
     '1979-12-17', 'New York', 'Secretary-General of the United Nations', '1983-06-03'),
    ('cppnm-1980', 6, 'Convention on the Physical Protection of Nuclear Material',
     'Convention on the Physical Protection of Nuclear Material',
     '1980-03-03', 'Vienna', 'International Atomic Energy Agency', '1987-02-08'),
    ('airports-protocol-1988', 7, 'Airports Protocol',
     'Protocol for the Suppression of Unlawful Acts of Violence at Airports Serving International Civil Aviation, supplementary to the Convention for the Suppression of Unlawful Acts against the Safety of Civil Aviation, done at Montreal on 23 September 1971',
     '1988-02-24', 'Montreal', 'Governments of the Russian Federation, the United Kingdom of Great Britain and Northern Ireland and the United States of America, and the International Civil Aviation Organization', '1989-08-06'),
    ('sua-1988', 8, 'SUA Convention',
     'Convention for the Suppression of Unlawful Acts against the Safety of Maritime Navigation',
     '1988-03-10', 'Rome', 'International Maritime Organization', '1992-03-01'),
    ('fixed-platforms-1988', 9, 'Fixed Platforms Protocol',
     'Protocol for the Suppression of Unlawful Acts against the Safety of Fixed Platforms Located on the Continental Shelf',
     '1988-03-10', 'Rome', 'International Maritime Organization', '1992-03-01'),
    ('plastic-explosives-1991', 10, 'Plastic Explosives Convention',
     'Convention on the Marking of Plastic Explosives for the Purpose of Detection',
     '1991-03-01', 'Montreal', 'International Civil Aviation Organization', '1998-06-21'),
    ('terrorist-bombings-1997', 11, 'Terrorist Bombings Convention',
     'International Convention for the Suppression of Terrorist Bombings',
     '1997-12-15', 'New York', 'Secretary-General of the United Nations', '2001-05-23'),
    ('terrorist-financing-1999', 12, 'Terrorist Financing Convention',
     'International Convention for the Suppression of the Financing of Terrorism',
     '1999-12-09', 'New York', 'Secretary-General of the United Nations', '2002-04-10'),
    ('nuclear-terrorism-2005', 13, 'Nuclear Terrorism Convention',
     'International Convention for the Suppression of Acts of Nuclear Terrorism',
     '2005-04-13', 'New York', 'Secretary-General of the United Nations', '2007-07-07'),
    ('cppnm-amendment-2005', 14, 'Amendment to the Convention on the Physical Protection of Nuclear Material',
     'Amendment to the Convention on the Physical Protection of Nuclear Material',
     '2005-07-08', 'Vienna', 'International Atomic Energy Agency', '2016-05-08'),
    ('sua-protocol-2005', 15, '2005 SUA Protocol',
     'Protocol of 2005 to the Convention for the Suppression of Unlawful Acts against the Safety of Maritime Navigation',
     '2005-10-14', 'London', 'International Maritime Organization', '2010-07-28'),
    ('fixed-platforms-protocol-2005', 16, '2005 Fixed Platforms Protocol',
     'Protocol of 2005 to the Protocol for the Suppression of Unlawful Acts against the Safety of Fixed Platforms Located on the Continental Shelf',
     '2005-10-14', 'London', 'International Maritime Organization', '2010-07-28'),
    ('beijing-convention-2010', 17, 'Beijing Convention',
     'Convention on the Suppression of Unlawful Acts Relating to International Civil Aviation',
     '2010-09-10', 'Beijing', 'International Civil Aviation Organization', '2018-07-01'),
    ('beijing-protocol-2010', 18, 'Beijing Protocol',
     'Protocol Supplementary to the Convention for the Suppression of Unlawful Seizure of Aircraft',
     '2010-09-10', 'Beijing', 'International Civil Aviation Organization', '2018-01-01'),
    ('montreal-protocol-2014', 19, 'Montreal Protocol 2014',
     'Protocol to Amend the Convention on Offences and Certain Other Acts Committed on Board Aircraft',
     '2014-04-04', 'Montreal', 'International Civil Aviation Organization', '2020-01-01')
ON CONFLICT (code) DO UPDATE SET sort_order = EXCLUDED.sort_order, short_name = EXCLUDED.short_name, title = EXCLUDED.title, adopted_on = EXCLUDED.adopted_on, adopted_at = EXCLUDED.adopted_at, depositary = EXCLUDED.depositary, entry_into_force_on = EXCLUDED.entry_into_force_on, updated_at = now();

-- +goose Down
DELETE FROM instruments;
