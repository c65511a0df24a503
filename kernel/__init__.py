"""The ground floor: what every package of Vigie shares and that imports nothing of Vigie."""
